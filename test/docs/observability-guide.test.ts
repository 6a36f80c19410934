/**
 * docs/observability.md states the configuration, metrics and alerts as the code has them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_SECTIONS, generatedBlockNames, renderGeneratedSections } from '../../lib/docs/reference-tables';
import { GORAX_METRICS } from '../../lib/catalog/metrics';

const guide = readFileSync(join(__dirname, '../../docs/observability.md'), 'utf8');

describe('docs/observability.md', () => {
  it('contains every generated block once', () => {
    expect(generatedBlockNames(guide).sort()).toEqual(Object.keys(GENERATED_SECTIONS).sort());
  });

  it('has not drifted from the code (run `npm run docs` after changing the catalog, rules or configuration)', () => {
    const current = renderGeneratedSections(guide);
    const drifted = generatedBlockNames(guide).filter((name) => {
      const block = (text: string) => text.split(`<!-- BEGIN GENERATED: ${name} -->`)[1]!.split('<!-- END GENERATED')[0];
      return block(current) !== block(guide);
    });
    expect(drifted).toEqual([]);
  });

  it('lists every catalog metric in its metrics reference', () => {
    for (const metric of GORAX_METRICS) expect(guide).toContain(`| \`${metric.name}\` |`);
  });

  it('refuses an unknown generated block', () => {
    expect(() => renderGeneratedSections('<!-- BEGIN GENERATED: nope -->\n<!-- END GENERATED: nope -->')).toThrow(
      'unknown generated block "nope"',
    );
  });
});

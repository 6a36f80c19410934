/**
 * Every alert links to a runbook that exists and has the four sections on-call needs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { productionRulesYaml } from '../../lib/synth';

const RUNBOOKS = join(__dirname, '../../docs/runbooks');
const SECTIONS = ['## Meaning', '## Impact', '## Diagnosis', '## Mitigation'];

const rules = parse(productionRulesYaml()) as { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] };
const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);

describe('runbooks', () => {
  it.each(alerts.map((a) => [a.alert!, a.annotations!['runbook_url']!]))('%s has its runbook at its runbook_url', (name, url) => {
    expect(url.endsWith(`/docs/runbooks/${name}.md`)).toBe(true);
    const file = join(RUNBOOKS, `${name}.md`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(`# ${name}\n`)).toBe(true);
    const positions = SECTIONS.map((s) => text.indexOf(`\n${s}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Diagnosis gives something to run: PromQL and kubectl.
    const diagnosis = text.slice(positions[2], positions[3]);
    expect(diagnosis).toMatch(/```/);
  });

  it('has no runbook for an alert that does not exist', () => {
    const names = new Set(alerts.map((a) => `${a.alert}.md`));
    expect(readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md' && !names.has(f))).toEqual([]);
  });
});

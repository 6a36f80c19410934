/**
 * The generated rule file, checked and unit-tested by Prometheus' own promtool.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { productionRulesYaml } from '../../lib/synth';
import { runTool } from '../support/run-tool';

interface PromtoolTestFile {
  tests: {
    promql_expr_test?: { expr: string }[];
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
  }[];
}

const here = __dirname;
const testFiles = readdirSync(here).filter((f) => f.endsWith('.promtool.yml')).sort();
const rules = parse(productionRulesYaml()) as { groups: { rules: { alert?: string; record?: string }[] }[] };
const alertNames = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
const recordNames = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
const cases = testFiles.flatMap((f) => (parse(readFileSync(join(here, f), 'utf8')) as PromtoolTestFile).tests);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gorax-rules-'));
  writeFileSync(join(dir, 'gorax.rules.yml'), productionRulesYaml());
  for (const f of testFiles) copyFileSync(join(here, f), join(dir, f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = runTool('promtool', ['check', 'rules', 'gorax.rules.yml'], dir);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it.each(testFiles)('pass the promtool unit tests in %s', (file) => {
    const { status, output } = runTool('promtool', ['test', 'rules', file], dir);
    if (status !== 0) throw new Error(`promtool test rules ${file} failed:\n${output}`);
    expect(output).toContain('SUCCESS');
  });

  it('has, for every alert, a case where it fires and a case where it stays silent', () => {
    const tests = cases.flatMap((c) => c.alert_rule_test ?? []);
    const missing = alertNames.flatMap((name) => {
      const mine = tests.filter((t) => t.alertname === name);
      const fires = mine.some((t) => (t.exp_alerts ?? []).length > 0);
      const silent = name === 'Watchdog' || mine.some((t) => (t.exp_alerts ?? []).length === 0);
      return fires && silent ? [] : [`${name}${fires ? '' : ' (no firing case)'}${silent ? '' : ' (no silent case)'}`];
    });
    expect(missing).toEqual([]);
  });

  it('has a promql_expr_test for every recording rule', () => {
    const exprs = cases.flatMap((c) => (c.promql_expr_test ?? []).map((t) => t.expr));
    const untested = recordNames.filter((record) => !exprs.some((e) => e.startsWith(record)));
    expect(untested).toEqual([]);
  });

  it('promtool really fails a wrong expectation (the harness can fail)', () => {
    const wrong = readFileSync(join(here, 'queue-workers.promtool.yml'), 'utf8').replace(
      'description: Queue default holds 1500 waiting jobs (threshold 1000).',
      'description: Queue default holds 3000 waiting jobs (threshold 1000).',
    );
    writeFileSync(join(dir, 'wrong.promtool.yml'), wrong);
    const { status, output } = runTool('promtool', ['test', 'rules', 'wrong.promtool.yml'], dir);
    expect(status).not.toBe(0);
    expect(output).toContain('FAILED');
  });
});

/**
 * Every panel query is valid PromQL according to Prometheus itself: each
 * expression, with its Grafana variables substituted ($__rate_interval → 5m,
 * $__range → 1h, filter variables → ".*"), is written as a recording rule
 * into a temporary rules file that `promtool check rules` must accept.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { goraxDashboards } from '../../dashboards-src';
import { substituteVariables } from '../../lib/promql/query-facts';
import { queryPanels, variableValues, type LintDashboard } from './dashboard-lint';

interface Rule {
  readonly record: string;
  readonly expr: string;
}

function checkRules(rules: readonly Rule[], name: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-dashboard-promql-'));
  try {
    const file = join(dir, `${name}.rules.yml`);
    writeFileSync(file, stringify({ groups: [{ name, rules }] }, { lineWidth: 0 }));
    const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    if (result.error) throw new Error(`cannot run promtool (install Debian's prometheus: npm run setup): ${result.error.message}`);
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One recording rule per panel query, named after its dashboard, panel id and refId. */
function panelRules(dashboard: LintDashboard): Rule[] {
  const values = variableValues(dashboard);
  return queryPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      record: `dashboard_query:${dashboard.uid!.replace(/-/g, '_')}:panel_${panel.id}_${target.refId}`,
      expr: substituteVariables(target.expr!, values).text,
    })),
  );
}

const dashboards = goraxDashboards() as unknown as LintDashboard[];

describe('panel queries under promtool check rules', () => {
  it.each(dashboards.map((d) => [d.uid!, d] as const))('%s: every query is valid PromQL', (uid, dashboard) => {
    const rules = panelRules(dashboard);
    expect(rules.length).toBeGreaterThan(5);
    expect(rules.every((r) => !r.expr.includes('$'))).toBe(true);
    const result = checkRules(rules, uid);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  it('fails on a query Prometheus rejects (the check can fail)', () => {
    // rate() of an instant vector: the lezer grammar accepts it, only Prometheus' own type check rejects it.
    const result = checkRules([{ record: 'dashboard_query:broken:panel_1_A', expr: 'rate(gorax_workflow_executions_total)' }], 'broken');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/expected type range vector/);
  });
});

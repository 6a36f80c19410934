/**
 * Lints every dashboard (rules in the spirit of Grafana's dashboard-linter,
 * queries parsed by Prometheus' lezer grammar), and proves each rule fires on
 * a dashboard broken in that one way, naming the dashboard and the panel.
 */
import { goraxDashboards } from '../../dashboards-src';
import { goraxSeriesCatalog, lintDashboard, queryPanels, type LintDashboard } from './dashboard-lint';

const catalog = goraxSeriesCatalog();
const dashboards = goraxDashboards() as unknown as LintDashboard[];

/** A deep copy of a dashboard whose first query panel titled `title` is changed by `edit`. */
function broken(uid: string, title: string, edit: (panel: Record<string, any>) => void): LintDashboard {
  const copy = JSON.parse(JSON.stringify(dashboards.find((d) => d.uid === uid))) as LintDashboard;
  const panel = queryPanels(copy).find((p) => p.title === title);
  if (!panel) throw new Error(`no panel "${title}" in ${uid}`);
  edit(panel as Record<string, any>);
  return copy;
}

function setExpr(expr: string, legend?: string) {
  return (panel: Record<string, any>) => {
    panel.targets[0].expr = expr;
    if (legend !== undefined) panel.targets[0].legendFormat = legend;
  };
}

describe('dashboard lint', () => {
  it.each(dashboards.map((d) => [d.uid!, d] as const))('%s passes every rule', (_uid, dashboard) => {
    expect(lintDashboard(dashboard, catalog)).toEqual([]);
  });

  it('lints every query of every panel (none is skipped)', () => {
    const queries = dashboards.flatMap((d) => queryPanels(d).flatMap((p) => p.targets ?? []));
    expect(queries.length).toBeGreaterThan(50);
    expect(queries.every((q) => typeof q.expr === 'string' && q.expr.length > 0)).toBe(true);
  });

  const where = (uid: string, title: string) => `dashboard ${uid}, panel "${title}", query A: `;

  it.each<[string, string, string, (p: Record<string, any>) => void, string]>([
    [
      'a rate over a fixed window',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum by (status) (rate(gorax_workflow_executions_total[5m]))'),
      'rate() must use [$__rate_interval], not [5m]',
    ],
    [
      'an increase over a fixed window',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum by (status) (increase(gorax_workflow_executions_total[1h]))'),
      'increase() must use [$__rate_interval], not [1h]',
    ],
    [
      'a counter outside rate()',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum by (status) (gorax_workflow_executions_total)'),
      'counter gorax_workflow_executions_total is used outside rate()/increase()',
    ],
    [
      'rate() over a gauge',
      'gorax-workers',
      'Queue depth',
      setExpr('rate(gorax_queue_depth[$__rate_interval])'),
      'rate() over gorax_queue_depth, which is a gauge, not a counter',
    ],
    [
      'a quantile per series',
      'gorax-api',
      'Latency p50/p95/p99 by route',
      setExpr('histogram_quantile(0.95, rate(gorax_http_request_duration_seconds_bucket[$__rate_interval]))'),
      'histogram_quantile() must be applied to sum by (le, …) (…)',
    ],
    [
      'a quantile summed without le',
      'gorax-api',
      'Latency p50/p95/p99 by route',
      setExpr('histogram_quantile(0.95, sum by (path) (rate(gorax_http_request_duration_seconds_bucket[$__rate_interval])))'),
      'histogram_quantile() must be applied to sum by (le, …) (…)',
    ],
    [
      'a metric the code never emits',
      'gorax-workers',
      'Queue depth',
      setExpr('gorax_queue_length'),
      'unknown metric gorax_queue_length',
    ],
    [
      'a status value the code never records',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum(rate(gorax_workflow_executions_total{status="success"}[$__rate_interval]))'),
      '"success" is not a declared value of "status"; accepted values: "completed", "failed"',
    ],
    [
      'a step type the executor never records (as a regex)',
      'gorax-workflows',
      'Step rate by step type',
      setExpr('sum(rate(gorax_step_executions_total{step_type=~"http|action:http"}[$__rate_interval]))'),
      '"http" not declared values of "step_type"',
    ],
    [
      'a label the metric does not have',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum(rate(gorax_workflow_executions_total{step_type="action:http"}[$__rate_interval]))'),
      'gorax_workflow_executions_total has no label "step_type"',
    ],
    [
      'grouping by a label no series has',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum by (tenant) (rate(gorax_workflow_executions_total[$__rate_interval]))', '{{tenant}}'),
      'sum by (tenant): no series being aggregated has label "tenant"',
    ],
    [
      'a legend naming a label the result lacks',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum(rate(gorax_workflow_executions_total[$__rate_interval]))', '{{status}}'),
      'legend uses {{status}}, which the result does not carry',
    ],
    [
      'invalid PromQL',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum(rate(gorax_workflow_executions_total[$__rate_interval])'),
      'invalid PromQL',
    ],
    [
      'a variable the dashboard does not define',
      'gorax-overview',
      'Workflow Execution Rate by status',
      setExpr('sum(rate(gorax_workflow_executions_total{tenant_id=~"$tenant"}[$__rate_interval]))'),
      'unknown variable $tenant',
    ],
  ])('reports %s', (_what, uid, title, edit, message) => {
    const problems = lintDashboard(broken(uid, title, edit), catalog);
    // Every problem of the broken dashboard is about the broken panel, and one of them says what is wrong.
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.filter((p) => !p.startsWith(where(uid, title)))).toEqual([]);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('reports a panel without a unit or a description, and one on a fixed data source', () => {
    const uid = 'gorax-api';
    const title = 'API CPU';
    const problems = lintDashboard(
      broken(uid, title, (p) => {
        delete p.fieldConfig.defaults.unit;
        p.description = '';
        p.datasource = { type: 'prometheus', uid: 'prometheus-prod' };
        p.targets[0].datasource = { type: 'prometheus', uid: 'prometheus-prod' };
      }),
      catalog,
    );
    expect(problems).toEqual([
      `dashboard ${uid}, panel "${title}": has no description`,
      `dashboard ${uid}, panel "${title}": has no unit`,
      `dashboard ${uid}, panel "${title}": must use the $datasource variable`,
      `dashboard ${uid}, panel "${title}", query A: must use the $datasource variable`,
    ]);
  });

  it('reports a dashboard without the datasource variable, editable, or with a bad variable query', () => {
    const copy = JSON.parse(JSON.stringify(dashboards.find((d) => d.uid === 'gorax-workflows'))) as any;
    copy.editable = true;
    copy.templating.list = copy.templating.list.filter((v: { name: string }) => v.name !== 'datasource');
    copy.templating.list.find((v: { name: string }) => v.name === 'tenant').query = 'label_values(gorax_workflow_executions_total, tenant)';
    const problems = lintDashboard(copy, catalog);
    expect(problems).toEqual(
      expect.arrayContaining([
        'dashboard gorax-workflows: needs a Prometheus datasource variable named "datasource" labelled "Data source"',
        'dashboard gorax-workflows: must be read-only (editable: false)',
        'dashboard gorax-workflows, variable $tenant: gorax_workflow_executions_total has no label "tenant"',
      ]),
    );
  });
});

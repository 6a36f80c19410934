/**
 * Rule lint in the spirit of mixtool's: names, severities, annotation style,
 * and every expression checked against the catalog with a real PromQL parser.
 */
import { goraxRuleGroups } from '../../alerts-src';
import { EXTERNAL_METRICS } from '../../lib/catalog/external-metrics';
import { GORAX_METRICS } from '../../lib/catalog/metrics';
import { environmentConfig } from '../../lib/config/environments';
import { queryFacts, unwrap, walk, type PromExpr } from '../../lib/promql/query-facts';
import { lintQuery, resultLabels } from '../../lib/promql/query-lint';
import { seriesCatalog } from '../../lib/promql/series-catalog';
import { SEVERITIES } from '../../lib/rules/rule-definition';

const env = environmentConfig('production');
const groups = goraxRuleGroups(env);
const records = groups.flatMap((g) => g.records);
const alerts = groups.flatMap((g) => g.alerts);
const catalog = seriesCatalog({ metrics: [...GORAX_METRICS, ...EXTERNAL_METRICS], recordingRules: records });

const ast = (expr: string): PromExpr => queryFacts(expr).ast;

/** How a side of a division is aggregated: its `by` labels, or undefined when it is not an aggregation. */
function aggregationOf(expr: PromExpr): string | undefined {
  const e = unwrap(expr);
  if (e.kind === 'aggregate') return `${e.grouping?.mode ?? 'by'} (${[...(e.grouping?.labels ?? [])].sort().join(', ')})`;
  // `a or b * 0`: both branches must agree.
  if (e.kind === 'binary' && e.op === 'or') {
    const [l, r] = [aggregationOf(e.lhs), aggregationOf(e.rhs)];
    return l === r ? l : `mixed: ${l} / ${r}`;
  }
  if (e.kind === 'binary' && unwrap(e.rhs).kind === 'number') return aggregationOf(e.lhs);
  return undefined;
}

/** Every division of two vectors aggregates both sides the same way. */
function ratioProblems(expr: string): string[] {
  const problems: string[] = [];
  walk(ast(expr), (node) => {
    if (node.kind !== 'binary' || node.op !== '/') return;
    if (unwrap(node.rhs).kind === 'number' || unwrap(node.lhs).kind === 'number') return;
    const [lhs, rhs] = [aggregationOf(node.lhs), aggregationOf(node.rhs)];
    if (lhs === undefined || lhs !== rhs) problems.push(`ratio aggregates its sides differently (${lhs} vs ${rhs}): ${node.text}`);
  });
  return problems;
}

const lint = (expr: string) => lintQuery(expr, { catalog, histogramQuantile: { allowRecordedBuckets: catalog } });

describe.each(alerts.map((a) => [a.name, a] as const))('alert %s', (name, alert) => {
  it('has a CamelCase name and an allowed severity', () => {
    expect(name).toMatch(/^[A-Z][a-z0-9]*(?:[A-Z]+[a-z0-9]*)*$/);
    expect(SEVERITIES).toContain(alert.severity);
  });

  it('has a static one-sentence summary ending in a period', () => {
    expect(alert.summary).not.toContain('{{');
    expect(alert.summary).toMatch(/^[A-Z][^.]*\.$/);
  });

  it('has a templated description that only uses labels the expression keeps', () => {
    expect(alert.description).toMatch(/\{\{ \$(value|labels\.[a-z_]+)[^}]*\}\}|always fires/);
    const available = resultLabels(ast(alert.expr), catalog);
    const used = [...alert.description.matchAll(/\$labels\.([a-z_]+)/g)].map((m) => m[1]!);
    expect(used.filter((l) => !available.includes(l))).toEqual([]);
  });

  it('selects only declared metrics, labels and values, rates only counters, and aggregates quantiles by le', () => {
    expect(lint(alert.expr)).toEqual([]);
  });

  it('aggregates both sides of every ratio the same way', () => {
    expect(ratioProblems(alert.expr)).toEqual([]);
  });
});

describe.each(records.map((r) => [r.record, r] as const))('recording rule %s', (name, rule) => {
  it('is named level:metric:operations, its level being the labels it keeps', () => {
    const [level, metric, operations] = name.split(':');
    expect(metric).toMatch(/^gorax_[a-z_]+$/);
    expect(operations).toMatch(/^[a-z0-9_]+$/);
    const kept = resultLabels(ast(rule.expr), catalog);
    expect(kept.join('_').length).toBe(level!.length);
    for (const label of kept) expect(`_${level}_`).toContain(`_${label}_`);
  });

  it('declares exactly the labels its expression keeps', () => {
    expect(Object.keys(rule.labels).sort()).toEqual(resultLabels(ast(rule.expr), catalog));
  });

  it('passes the catalog, counter, quantile and ratio checks', () => {
    expect(lint(rule.expr)).toEqual([]);
    expect(ratioProblems(rule.expr)).toEqual([]);
  });
});

describe('the lint itself', () => {
  it('catches the mistakes of the original rules', () => {
    // A ratio of a per-series numerator over a fleet-wide denominator.
    expect(ratioProblems('sum by (job, workflow_id) (rate(gorax_workflow_executions_total{status="failed"}[5m])) / sum by (job) (rate(gorax_workflow_executions_total[5m]))')).toHaveLength(1);
    expect(ratioProblems('rate(gorax_workflow_executions_total{status="failed"}[5m]) / rate(gorax_workflow_executions_total[5m])')).toHaveLength(1);
    // One quantile per series.
    expect(lint('histogram_quantile(0.95, rate(gorax_workflow_execution_duration_seconds_bucket[5m])) > 60').join()).toContain('sum by (le');
    // A value the executor never records, and a metric that does not exist.
    expect(lint('rate(gorax_step_executions_total{step_type="http"}[5m])').join()).toContain('"http" is not a declared value of "step_type"');
    expect(lint('gorax_workflow_executions_total{status="success"}').join()).toContain('"success" is not a declared value');
    expect(lint('gorax_workers_active').join()).toContain('unknown metric gorax_workers_active');
    // A raw counter outside rate().
    expect(lint('gorax_http_requests_total > 5').join()).toContain('used outside rate()/increase()');
  });
});

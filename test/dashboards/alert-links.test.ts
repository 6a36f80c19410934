/**
 * Every alert's dashboard_url points at a dashboard that shows the alert's
 * signal: for each series the alert expression selects, the dashboard has a
 * panel query selecting the same series, for the same job where the alert
 * links one dashboard per job.
 */
import { goraxRuleGroups } from '../../alerts-src';
import { goraxDashboards } from '../../dashboards-src';
import { environmentConfig } from '../../lib/config/environments';
import { queryFacts, type SelectorFact } from '../../lib/promql/query-facts';
import { buildRuleFile } from '../../lib/rules/rule-file';
import type { AlertDefinition, DashboardUid } from '../../lib/rules/rule-definition';
import { queryPanels, variableValues, type LintDashboard } from './dashboard-lint';

const env = environmentConfig('production');
const alerts: AlertDefinition[] = goraxRuleGroups(env).flatMap((g) => [...g.alerts]);
const dashboards = goraxDashboards() as unknown as LintDashboard[];

/** Panel titles of `uid` with a query selecting `metric` (for `job`, when given: a matcher that admits it or none). */
function panelsShowing(uid: DashboardUid, metric: string, job?: string): string[] {
  const dashboard = dashboards.find((d) => d.uid === uid)!;
  const values = variableValues(dashboard);
  const admitsJob = (s: SelectorFact): boolean => {
    if (job === undefined) return true;
    return s.matchers
      .filter((m) => m.label === 'job')
      .every((m) => (m.op === '=' ? m.value === job : m.op === '=~' ? new RegExp(`^(?:${m.value})$`).test(job) : true));
  };
  return queryPanels(dashboard)
    .filter((p) => (p.targets ?? []).some((t) => queryFacts(t.expr!, { variables: values }).selectors.some((s) => s.metric === metric && admitsJob(s))))
    .map((p) => p.title!);
}

/** (dashboard, job) pairs an alert links to. */
function targets(alert: AlertDefinition): [DashboardUid, string | undefined][] {
  const { dashboard } = alert;
  if (dashboard === undefined) return [];
  if (typeof dashboard === 'string') return [[dashboard, undefined]];
  return Object.entries(dashboard).map(([job, uid]) => [uid, job]);
}

describe('alert dashboard_url annotations', () => {
  it('every alert but the Watchdog heartbeat links a dashboard', () => {
    expect(alerts.filter((a) => a.dashboard === undefined).map((a) => a.name)).toEqual(['Watchdog']);
  });

  it.each(alerts.filter((a) => a.dashboard !== undefined).map((a) => [a.name, a] as const))('%s: its dashboard shows its signal', (_name, alert) => {
    const metrics = [...new Set(queryFacts(alert.expr).selectors.map((s) => s.metric))];
    expect(metrics.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const [uid, job] of targets(alert)) {
      for (const metric of metrics) {
        if (panelsShowing(uid, metric, job).length === 0) missing.push(`${uid} has no panel on ${metric}${job ? ` for job ${job}` : ''}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the rendered annotations carry those dashboards’ URLs', () => {
    const rendered = buildRuleFile(goraxRuleGroups(env), env).groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    for (const alert of alerts) {
      const url = rendered.find((r) => r.alert === alert.name)?.annotations?.dashboard_url;
      const uids = targets(alert).map(([uid]) => uid);
      if (uids.length === 0) expect(url).toBeUndefined();
      for (const uid of uids) expect(url).toContain(`${env.grafanaBaseUrl}/d/${uid}`);
    }
  });

  it('would notice a dashboard that lacks the signal', () => {
    expect(panelsShowing('gorax-api', 'queue:gorax_queue_depth:max')).toEqual([]);
    expect(panelsShowing('gorax-api', 'process_resident_memory_bytes', 'gorax-worker')).toEqual([]);
    expect(panelsShowing('gorax-workers', 'process_resident_memory_bytes', 'gorax-worker')).toEqual(['Worker memory / limit']);
  });
});

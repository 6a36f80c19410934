/**
 * SLOW (end to end, ~1 min): a real Prometheus 2.42 scrapes the real API and
 * worker processes through the generated prometheus.yml (static loopback
 * targets). After a mixed workload every catalog metric has series with
 * exactly the catalog's labels, and every dashboard panel query, variables
 * substituted, runs on this Prometheus and returns data (unless listed in
 * EMPTY_WHILE_HEALTHY with its reason).
 *
 * The API's 5xx is real: the services use a test-owned PostgreSQL, which the
 * test stops for one request (GET /api/v1/workflows/:id answers 500 when the
 * database is unreachable) and starts again.
 */
import { goraxDashboards } from '../../dashboards-src';
import { isClosedLabel, type LabelSpecs } from '../../lib/catalog/metric-definition';
import { GORAX_METRICS } from '../../lib/catalog/metrics';
import { JOBS } from '../../lib/catalog/target-labels';
import { substituteVariables } from '../../lib/promql/query-facts';
import { queryPanels, variableValues, type LintDashboard } from '../dashboards/dashboard-lint';
import { eventually } from '../runtime/support/eventually';
import { alertsInState } from './support/alert-checks';
import { startHttpTarget, type HttpTarget } from '../runtime/support/http-target';
import { createOwnedPostgres, type OwnedPostgres } from '../runtime/support/owned-postgres';
import { startObservedServices, type ObservedServices } from './support/observed-services';
import { createWorkflows, execute, inParallel, waitFinished } from './support/workloads';

jest.setTimeout(180_000);

let postgres: OwnedPostgres;
let target: HttpTarget;
let stack: ObservedServices;
const apiStatuses = new Set<number>();

beforeAll(async () => {
  postgres = await createOwnedPostgres();
  postgres.start();
  target = await startHttpTarget();
  stack = await startObservedServices({ env: { DATABASE_URL: postgres.url } });

  const { api } = stack;
  const record = async (answer: Promise<{ status: number }>) => apiStatuses.add((await answer).status);
  const flows = await createWorkflows(api, target.url);
  const ids = await inParallel(24, 6, (i) => execute(api, i % 3 === 0 ? flows.failing : i % 3 === 1 ? flows.httpOk : flows.succeeding, i));
  const statuses = await waitFinished(api, ids);
  expect(new Set(statuses)).toEqual(new Set(['completed', 'failed']));
  // Client errors: no tenant header (400), an unknown workflow (404), a malformed definition (400).
  await record(stack.api.request('GET', `/api/v1/workflows/${flows.succeeding}`, undefined, { 'x-tenant-id': '' }));
  await record(api.getWorkflow('00000000-0000-4000-8000-000000000000'));
  await record(api.createWorkflow({ nodes: 'not a list' }));
  // A server error: the database is unreachable for this request.
  postgres.stop();
  await record(api.getWorkflow(flows.succeeding));
  postgres.start();
  await eventually(async () => (await api.getWorkflow(flows.succeeding)).status === 200, { timeoutMs: 30_000, what: 'the API to reach PostgreSQL again' });
  // The checks below read Prometheus, not the services: wait until it has scraped the end of the
  // workload (the 500 answered last).
  await eventually(async () => ((await stack.prometheus.vector('gorax_http_requests_total{status="500"}')).length > 0 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 250,
    what: 'Prometheus to scrape the end of the workload',
  });
  // The alert panels need a firing alert. A series first scraped at its final value shows no
  // increase to rate(), so keep failing runs coming (a steady failure rate, as in production)
  // until CriticalWorkflowFailureRate fires.
  let n = 100;
  await eventually(
    async () => {
      await execute(api, flows.failing, n++);
      return (await alertsInState(stack.prometheus, 'firing')).includes('CriticalWorkflowFailureRate') ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: 'CriticalWorkflowFailureRate to fire while failing runs continue' },
  );
});

afterAll(async () => {
  await stack?.stop();
  await target?.close();
  postgres?.destroy();
});

it('the workload produced 2xx, 4xx and a real 5xx', () => {
  expect([...apiStatuses].sort()).toEqual([400, 404, 500]);
});

it('Prometheus scrapes both services: up is 1 for gorax-api and gorax-worker', async () => {
  const up = await stack.prometheus.vector('up');
  expect(Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]))).toEqual({ [JOBS.api]: '1', [JOBS.worker]: '1' });
});

/** Which process exports each catalog metric. */
const EXPORTED_BY: Record<string, readonly string[]> = {
  gorax_workflow_executions_total: [JOBS.worker],
  gorax_workflow_execution_duration_seconds: [JOBS.worker],
  gorax_step_executions_total: [JOBS.worker],
  gorax_step_execution_duration_seconds: [JOBS.worker],
  gorax_queue_depth: [JOBS.api],
  gorax_active_workers: [JOBS.worker],
  gorax_http_requests_total: [JOBS.api],
  gorax_http_request_duration_seconds: [JOBS.api],
  gorax_workflow_executions_in_progress: [JOBS.worker],
  gorax_health_check_status: [JOBS.api, JOBS.worker],
  gorax_build_info: [JOBS.api, JOBS.worker],
  // The workflow series limit is the worker's (METRICS_WORKFLOW_SERIES_LIMIT).
  gorax_metrics_cardinality_overflow_total: [JOBS.worker],
};

describe('every catalog metric has series with the catalog labels', () => {
  it.each(GORAX_METRICS.map((m) => [m.name, m] as const))('%s', async (name, metric) => {
    if (!(name in EXPORTED_BY)) throw new Error(`${name} is new in the catalog: add the job(s) exporting it to EXPORTED_BY`);
    const suffixes = metric.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    const series = await eventually(
      async () => {
        const found = await stack.prometheus.series(`{__name__=~"${name}(${suffixes.join('|')})"}`);
        return found.length > 0 && suffixes.every((s) => found.some((f) => f.__name__ === `${name}${s}`)) ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: `series of ${name}` },
    );
    const declared = Object.keys(metric.labels);
    for (const labels of series) {
      const { __name__: seriesName, job, instance, le, ...rest } = labels;
      expect(Object.keys(rest).sort()).toEqual([...declared].sort());
      expect(instance).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(le !== undefined).toBe(seriesName === `${name}_bucket`);
      for (const [label, value] of Object.entries(rest)) {
        const spec = (metric.labels as LabelSpecs)[label]!;
        if (isClosedLabel(spec)) expect(spec.values).toContain(value);
        else expect(value).toMatch(spec.pattern);
      }
    }
    expect([...new Set(series.map((s) => s.job))].sort()).toEqual([...EXPORTED_BY[name]!].sort());
  });

  it('the label values of the mixed workload are all there', async () => {
    const values = async (expr: string, label: string) => [...new Set((await stack.prometheus.vector(expr)).map((s) => s.metric[label]!))].sort();
    expect(await values('gorax_workflow_executions_total > 0', 'status')).toEqual(['completed', 'failed']);
    expect(await values('gorax_step_executions_total{status="failed"} > 0', 'step_type')).toEqual(['action:http']);
    expect(await values('gorax_step_executions_total > 0', 'step_type')).toEqual(
      ['action:http', 'action:transform', 'control:condition', 'control:delay', 'trigger:manual'].sort(),
    );
    const codes = await values('gorax_http_requests_total{path=~"/api/.*"}', 'status');
    expect(codes).toEqual(expect.arrayContaining(['200', '201', '202', '400', '404', '500']));
    expect(await values('gorax_health_check_status', 'check')).toEqual(['database', 'disk', 'memory', 'queue', 'redis']);
  });
});

/**
 * Panels whose query is empty on a healthy system, and why. Every other
 * panel query must return data after the workload above.
 */
const EMPTY_WHILE_HEALTHY: Readonly<Record<string, string>> = {
  'gorax-api/Request rate by route and status class/A': 'the API never answers 1xx',
  'gorax-api/Request rate by route and status class/C': 'the API never answers 3xx (no redirects)',
  'gorax-workers/Instances failing the database check/A': 'counts instances whose PostgreSQL check fails: none while healthy',
  'gorax-workers/Instances failing the redis check/A': 'counts instances whose Redis check fails: none while healthy',
};

/**
 * Subqueries `[$__range:$__rate_interval]` (the "Top …" tables) evaluate at
 * steps aligned to multiples of 5m in absolute time; the guide says so. The
 * workload's increase lands in the window of the last aligned step before now
 * or of the next one, depending on where the wall clock stands, so both are
 * asked.
 */
const ALIGNED_SUBQUERY = /\[\d+[smh]:(\d+)([smh])\]/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
function nextAlignedStep(expr: string): number | undefined {
  const step = alignedStepSeconds(expr);
  return step === undefined ? undefined : Math.ceil(Date.now() / 1000 / step) * step;
}
function alignedStepSeconds(expr: string): number | undefined {
  const match = ALIGNED_SUBQUERY.exec(expr);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : undefined;
}

const dashboards = goraxDashboards() as unknown as LintDashboard[];
const panelQueries = dashboards.flatMap((dashboard) =>
  queryPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      key: `${dashboard.uid}/${panel.title}/${t.refId}`,
      expr: substituteVariables(t.expr!, variableValues(dashboard)).text,
    })),
  ),
);

describe('every dashboard panel query runs on this Prometheus', () => {
  it('there are panel queries to run', () => {
    expect(panelQueries.length).toBeGreaterThan(20);
    for (const key of Object.keys(EMPTY_WHILE_HEALTHY)) expect(panelQueries.map((q) => q.key)).toContain(key);
  });

  it('the step alignment is recognised (the "Top …" tables use it)', () => {
    expect(panelQueries.filter((q) => nextAlignedStep(q.expr) !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it.each(panelQueries.map((q) => [q.key, q.expr] as const))('%s', async (key, expr) => {
    const answer = await stack.prometheus.query(expr);
    expect({ status: answer.status, error: answer.error }).toEqual({ status: 'success', error: undefined });
    if (key in EMPTY_WHILE_HEALTHY) return;
    // Rates need two scrapes after the workload: poll a few seconds before calling it empty.
    const next = nextAlignedStep(expr);
    const times = next === undefined ? [undefined] : [next - alignedStepSeconds(expr)!, next];
    const hasData = async (at: number | undefined) => (await stack.prometheus.query(expr, at)).result.length > 0;
    await eventually(async () => ((await Promise.all(times.map(hasData))).some(Boolean) ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 500,
      what: `data for ${key}: ${expr}`,
    });
  });
});

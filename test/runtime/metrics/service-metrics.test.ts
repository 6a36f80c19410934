/**
 * Exact metric values from the real services after a known mix of
 * executions: queue depth while no worker runs, counts by status and step
 * type, histogram counts, in-progress back to 0, active workers equal to the
 * concurrency (0 once closing), build info and default metrics.
 */
import { type ApiHandle, startApi } from '../../../lib/runtime/api/start-api';
import { startWorker, type WorkerHandle } from '../../../lib/runtime/worker/start-worker';
import { apiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { startHttpTarget, type HttpTarget } from '../support/http-target';
import { parseMetrics, scrape, select, valueOf } from '../support/metrics-text';
import { canConnect } from '../support/owned-redis';
import { createTestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

const CONCURRENCY = 3;
const environment = createTestEnvironment({ QUEUE_DEPTH_INTERVAL_MS: '50', WORKER_CONCURRENCY: String(CONCURRENCY), GIT_REVISION: 'abc123' });
let api: ApiHandle;
let worker: WorkerHandle | undefined;
let target: HttpTarget;

beforeAll(async () => {
  target = await startHttpTarget();
  api = await startApi(environment.config());
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await target.close();
  await environment.cleanup();
});

it('reports exact values after a known mix of executions', async () => {
  const acme = apiClient(api.port, 'acme');
  const good = (await acme.createWorkflow(chain(
    { id: 'shape', type: 'action:transform', config: { expression: '{"n": input.n}' } },
    { id: 'pause', type: 'control:delay', config: { ms: 5 } },
  ))).body.id as string;
  const bad = (await acme.createWorkflow(chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${target.url}/fail` } }))).body.id as string;

  // No worker yet: the jobs wait, and the API's collector reports them.
  const executions: string[] = [];
  for (let n = 0; n < 3; n++) executions.push((await acme.execute(good, { n })).body.id);
  for (let n = 0; n < 2; n++) executions.push((await acme.execute(bad, { n })).body.id);
  await eventually(async () => valueOf(await scrape(api.metricsPort!), 'gorax_queue_depth', { queue: 'default' }) === 5, { what: 'queue depth 5' });

  worker = await startWorker(environment.config());
  for (const id of executions) {
    await eventually(async () => ['completed', 'failed'].includes((await acme.getExecution(id)).body.status), { what: `execution ${id}` });
  }
  await eventually(async () => valueOf(await scrape(api.metricsPort!), 'gorax_queue_depth', { queue: 'default' }) === 0, { what: 'queue depth 0' });

  const w = await scrape(worker.metricsPort!);
  const g = { tenant_id: 'acme', workflow_id: good };
  const b = { tenant_id: 'acme', workflow_id: bad };
  expect(valueOf(w, 'gorax_workflow_executions_total', { ...g, status: 'completed' })).toBe(3);
  expect(valueOf(w, 'gorax_workflow_executions_total', { ...g, status: 'failed' })).toBe(0);
  expect(valueOf(w, 'gorax_workflow_executions_total', { ...b, status: 'completed' })).toBe(0);
  expect(valueOf(w, 'gorax_workflow_executions_total', { ...b, status: 'failed' })).toBe(2);
  expect(valueOf(w, 'gorax_workflow_execution_duration_seconds_count', g)).toBe(3);
  expect(valueOf(w, 'gorax_workflow_execution_duration_seconds_count', b)).toBe(2);
  expect(valueOf(w, 'gorax_workflow_execution_duration_seconds_bucket', { ...b, le: '+Inf' })).toBe(2);
  for (const [labels, type, status, count] of [
    [g, 'trigger:manual', 'completed', 3],
    [g, 'action:transform', 'completed', 3],
    [g, 'control:delay', 'completed', 3],
    [b, 'trigger:manual', 'completed', 2],
    [b, 'action:http', 'failed', 2],
    [b, 'action:http', 'completed', 0],
  ] as const) {
    expect([type, status, valueOf(w, 'gorax_step_executions_total', { ...labels, step_type: type, status })]).toEqual([type, status, count]);
  }
  expect(valueOf(w, 'gorax_step_execution_duration_seconds_count', { ...g, step_type: 'control:delay' })).toBe(3);
  expect(valueOf(w, 'gorax_step_execution_duration_seconds_count', { ...b, step_type: 'action:http' })).toBe(2);
  // Every step_type recorded is one of the executor's node types.
  for (const sample of select(w, 'gorax_step_executions_total')) {
    expect(['trigger:manual', 'action:http', 'action:transform', 'control:delay', 'control:condition']).toContain(sample.labels.step_type);
  }
  expect(valueOf(w, 'gorax_workflow_executions_in_progress')).toBe(0);
  expect(valueOf(w, 'gorax_active_workers')).toBe(CONCURRENCY);
  expect(valueOf(w, 'gorax_build_info', { service: 'worker', revision: 'abc123' })).toBe(1);
  expect(valueOf(w, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  // The worker exports no HTTP or queue depth series; the API no workflow series.
  expect(select(w, 'gorax_http_requests_total')).toHaveLength(0);
  expect(select(w, 'gorax_queue_depth')).toHaveLength(0);

  const a = await scrape(api.metricsPort!);
  expect(valueOf(a, 'gorax_http_requests_total', { method: 'POST', path: '/api/v1/workflows', status: '201' })).toBe(2);
  expect(valueOf(a, 'gorax_http_requests_total', { method: 'POST', path: '/api/v1/workflows/:id/executions', status: '202' })).toBe(5);
  expect(valueOf(a, 'gorax_http_request_duration_seconds_count', { method: 'POST', path: '/api/v1/workflows/:id/executions' })).toBe(5);
  expect(select(a, 'gorax_build_info', { service: 'api', revision: 'abc123' })).toHaveLength(1);
  expect(select(a, 'gorax_workflow_executions_total')).toHaveLength(0);
  expect(select(a, 'gorax_active_workers')).toHaveLength(0);
  for (const check of ['database', 'redis', 'queue', 'memory', 'disk']) {
    expect([check, valueOf(a, 'gorax_health_check_status', { check })]).toEqual([check, 1]);
  }

  // Closing: no more live slots.
  const registry = worker.registry!;
  await worker.close();
  worker = undefined;
  expect(valueOf(parseMetrics(await registry.metrics()), 'gorax_active_workers')).toBe(0);
});

it('starts no metrics server with METRICS_ENABLED=false', async () => {
  const metricsPort = await freePort();
  const quiet = await startApi(environment.config({ METRICS_ENABLED: 'false', METRICS_PORT: String(metricsPort) }));
  try {
    expect(quiet.metricsPort).toBeUndefined();
    expect(await canConnect(metricsPort)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${quiet.port}/metrics`)).status).toBe(404);
  } finally {
    await quiet.close();
  }
});

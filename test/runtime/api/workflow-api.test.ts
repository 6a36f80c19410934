/**
 * The API and worker in-process against the real PostgreSQL and Redis (own
 * schema and queue prefix): the round trip, failures, bad input, tenant
 * isolation, route-template cardinality and request logs.
 */
import { Pool } from 'pg';
import { type ApiHandle, startApi } from '../../../lib/runtime/api/start-api';
import { startWorker, type WorkerHandle } from '../../../lib/runtime/worker/start-worker';
import { apiClient, type ApiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { startHttpTarget, type HttpTarget } from '../support/http-target';
import { collectLogs } from '../support/log-lines';
import { scrape, select } from '../support/metrics-text';
import { createTestEnvironment } from '../support/test-environment';
import { chain, definition } from '../support/workflows';

// The shared PostgreSQL trusts loopback, so this password is ignored by it but must never show in a log.
const SECRET = 'pw-never-logged-7f3a';
const environment = createTestEnvironment({
  DATABASE_URL: `postgres://postgres:${SECRET}@127.0.0.1:5432/test`,
  API_BODY_LIMIT_BYTES: '4096',
  LOG_LEVEL: 'info',
});
const apiLogs = collectLogs();
const workerLogs = collectLogs();
let api: ApiHandle;
let worker: WorkerHandle;
let target: HttpTarget;
let acme: ApiClient;
let pool: Pool;

async function rowCounts() {
  const result = await pool.query<{ workflows: string; executions: string }>(
    `SELECT (SELECT count(*) FROM ${environment.schema}.workflows) AS workflows, (SELECT count(*) FROM ${environment.schema}.executions) AS executions`,
  );
  return { workflows: Number(result.rows[0]!.workflows), executions: Number(result.rows[0]!.executions) };
}

async function finished(client: ApiClient, executionId: string) {
  return eventually(
    async () => {
      const answer = await client.getExecution(executionId);
      return ['completed', 'failed'].includes(answer.body.status) ? answer.body : undefined;
    },
    { what: `execution ${executionId} to finish` },
  );
}

beforeAll(async () => {
  target = await startHttpTarget();
  const config = environment.config();
  api = await startApi(config, { logDestination: apiLogs });
  worker = await startWorker(config, { logDestination: workerLogs });
  acme = apiClient(api.port, 'acme');
  pool = new Pool({ connectionString: environment.env.DATABASE_URL });
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await target.close();
  await pool.end();
  await environment.cleanup();
});

describe('workflow API round trip', () => {
  it('creates a workflow, executes it on the worker and reports every step', async () => {
    const created = await acme.createWorkflow(
      chain(
        { id: 'call', type: 'action:http', config: { method: 'POST', url: `${target.url}/ok`, body: { hello: 'there' } } },
        { id: 'shape', type: 'action:transform', config: { expression: '{"customer": input.customer, "echo": steps.call.body.echo}' } },
      ),
      'round trip',
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'round trip', definition: { nodes: expect.any(Array), edges: expect.any(Array) } });
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await acme.getWorkflow(created.body.id)).body).toEqual(created.body);

    const started = await acme.execute(created.body.id, { customer: 'c-42' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.any(String), status: 'pending' });

    const execution = await finished(acme, started.body.id);
    expect(execution).toMatchObject({ id: started.body.id, workflowId: created.body.id, status: 'completed', error: null });
    expect(execution.steps.map((s: any) => [s.nodeId, s.type, s.status, s.attempts])).toEqual([
      ['start', 'trigger:manual', 'completed', 1],
      ['call', 'action:http', 'completed', 1],
      ['shape', 'action:transform', 'completed', 1],
    ]);
    expect(execution.steps[2].output).toEqual({ customer: 'c-42', echo: '{"hello":"there"}' });
  });

  it('fails the execution when an action:http target answers 500, with the error recorded', async () => {
    const created = await acme.createWorkflow(chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${target.url}/fail` } }));
    const started = await acme.execute(created.body.id);
    const execution = await finished(acme, started.body.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toBe(`step "call" (action:http) failed: GET ${target.url}/fail answered 500`);
    expect(execution.steps[1]).toMatchObject({ nodeId: 'call', status: 'failed', error: `GET ${target.url}/fail answered 500`, output: null });
  });

  it('accepts an execution request without a body', async () => {
    const created = await acme.createWorkflow(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }));
    const answer = await acme.request('POST', `/api/v1/workflows/${created.body.id}/executions`);
    expect(answer.status).toBe(202);
    const emptyJson = await acme.request('POST', `/api/v1/workflows/${created.body.id}/executions`, '');
    expect(emptyJson.status).toBe(202);
    expect((await finished(acme, answer.body.id)).status).toBe('completed');
  });
});

describe('bad input', () => {
  let workflowId: string;
  beforeAll(async () => {
    workflowId = (await acme.createWorkflow(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }))).body.id;
  });

  const valid = chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } });
  const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
    ['no tenant header', () => apiClient(api.port, null).createWorkflow(valid), 400, 'X-Tenant-ID header is required'],
    ['a malformed tenant header', () => apiClient(api.port, 'Acme_Corp!').createWorkflow(valid), 400, 'X-Tenant-ID header must match'],
    ['a tenant header that is too long', () => apiClient(api.port, 'a'.repeat(64)).createWorkflow(valid), 400, 'X-Tenant-ID header must match'],
    ['an unknown node type', () => acme.createWorkflow(definition([{ id: 'x', type: 'http' }], [{ source: 'start', target: 'x' }])), 400, 'definition.nodes[1].type: must be one of'],
    ['a cyclic definition', () => acme.createWorkflow(definition([{ id: 'a', type: 'control:delay', config: { ms: 1 } }, { id: 'b', type: 'control:delay', config: { ms: 1 } }], [{ source: 'start', target: 'a' }, { source: 'a', target: 'b' }, { source: 'b', target: 'a' }])), 400, 'cycle'],
    ['a definition with two triggers', () => acme.createWorkflow({ nodes: [{ id: 'a', type: 'trigger:manual' }, { id: 'b', type: 'trigger:manual' }], edges: [] }), 400, 'exactly one trigger'],
    ['an edge to a missing node', () => acme.createWorkflow(definition([], [{ source: 'start', target: 'nowhere' }])), 400, 'no node has id "nowhere"'],
    ['duplicate node ids', () => acme.createWorkflow(definition([{ id: 'start', type: 'control:delay', config: { ms: 1 } }])), 400, 'used by more than one node'],
    ['a missing name', () => acme.request('POST', '/api/v1/workflows', { definition: valid }), 400, 'name is required'],
    ['a missing definition', () => acme.request('POST', '/api/v1/workflows', { name: 'x' }), 400, 'definition is required'],
    ['a JSON array body', () => acme.request('POST', '/api/v1/workflows', [1, 2]), 400, 'the body must be a JSON object'],
    ['malformed JSON', () => acme.request('POST', '/api/v1/workflows', '{"name": "x", '), 400, 'JSON'],
    ['an oversized body', () => acme.request('POST', '/api/v1/workflows', { name: 'x'.repeat(5000), definition: valid }), 413, 'Request body is too large'],
    ['a non-JSON content type', () => acme.request('POST', '/api/v1/workflows', 'name=x', { 'content-type': 'text/plain' }), 415, 'Unsupported Media Type'],
    ['a form content type', () => acme.request('POST', '/api/v1/workflows', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'Unsupported Media Type'],
    ['an execution input that is not an object', () => acme.request('POST', `/api/v1/workflows/${workflowId}/executions`, { input: [1] }), 400, 'input must be a JSON object'],
    ['an execution of an unknown workflow', () => acme.execute('00000000-0000-4000-8000-000000000000', {}), 404, 'workflow not found'],
    ['an execution of a workflow id that is not a UUID', () => acme.execute('not-a-uuid', {}), 404, 'workflow not found'],
  ];

  it.each(cases)('answers %s with a JSON 4xx that says what is wrong, and writes nothing', async (_name, send, status, message) => {
    const before = await rowCounts();
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ statusCode: status, message: expect.any(String) });
    expect(`${answer.body.message} ${(answer.body.details ?? []).join(' ')} ${answer.body.error}`).toContain(message);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers unknown workflows, executions and routes with a JSON 404', async () => {
    expect((await acme.getWorkflow('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await acme.getExecution('00000000-0000-4000-8000-000000000000')).body).toMatchObject({ statusCode: 404, message: 'execution not found' });
    expect((await acme.request('GET', '/api/v1/nothing/here')).body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});

describe('tenant isolation', () => {
  it('never shows one tenant the workflows or executions of another (404)', async () => {
    const created = await acme.createWorkflow(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }));
    const execution = await acme.execute(created.body.id, {});
    const globex = apiClient(api.port, 'globex');
    const before = await rowCounts();

    expect((await globex.getWorkflow(created.body.id)).status).toBe(404);
    expect((await globex.getExecution(execution.body.id)).status).toBe(404);
    expect((await globex.execute(created.body.id, {})).status).toBe(404);

    expect(await rowCounts()).toEqual(before);
    expect((await acme.getExecution(execution.body.id)).status).toBe(200);
  });
});

describe('HTTP metrics cardinality', () => {
  it('1,000 distinct workflow ids and 1,000 random URLs add at most a handful of series', async () => {
    const seriesCount = async () => select(await scrape(api.metricsPort!), 'gorax_http_requests_total').length;
    const before = await seriesCount();
    const paths = [
      ...Array.from({ length: 1000 }, () => `/api/v1/workflows/${crypto.randomUUID()}`),
      ...Array.from({ length: 1000 }, (_, i) => `/${Math.random().toString(36).slice(2)}/${i}?q=${i}`),
    ];
    for (let i = 0; i < paths.length; i += 50) {
      await Promise.all(paths.slice(i, i + 50).map((path) => acme.request('GET', path)));
    }
    const samples = await scrape(api.metricsPort!);
    expect((await seriesCount()) - before).toBeLessThanOrEqual(3);
    expect(select(samples, 'gorax_http_requests_total', { path: '/api/v1/workflows/:id', status: '404' })[0]!.value).toBeGreaterThanOrEqual(1000);
    expect(select(samples, 'gorax_http_requests_total', { path: 'unmatched', status: '404' })[0]!.value).toBeGreaterThanOrEqual(1000);
    for (const sample of select(samples, 'gorax_http_requests_total')) {
      expect(sample.labels.path).toMatch(/^(\/api\/v1\/[a-z/:]*|unmatched)$/);
      expect(sample.labels.status).toMatch(/^\d{3}$/);
    }
  });
});

describe('request logs', () => {
  it('write one JSON line per request with route, status, duration and tenant, and no secrets', async () => {
    const created = await acme.createWorkflow(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }), 'logged');
    await acme.getWorkflow(created.body.id);
    const lines = apiLogs.lines.filter((l) => l.msg === 'request' && l.route === '/api/v1/workflows/:id' && l.status === 200);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toMatchObject({ level: 'info', service: 'gorax-api', method: 'GET', tenant: 'acme', durationMs: expect.any(Number) });
    const all = [...apiLogs.raw, ...workerLogs.raw].join('');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(environment.env.DATABASE_URL);
  });
});

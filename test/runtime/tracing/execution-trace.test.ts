/**
 * One workflow run is one trace, across two real processes: the API and the
 * worker run as child processes (pg and ioredis are instrumented when they
 * are required, which Jest's module registry bypasses) exporting over
 * OTLP/gRPC to a real gRPC receiver on loopback. The loopback target of the
 * action:http step records the traceparent it was sent.
 */
import { ancestorsOf, inTrace, only, parentOf } from '../support/span-tree';
import { apiClient, type ApiClient } from '../support/api-client';
import { type ChildService, type ChildServices, startServices } from '../support/child-service';
import { eventually } from '../support/eventually';
import { startHttpTarget, type HttpTarget } from '../support/http-target';
import { type OtlpTraceReceiver, type ReceivedSpan, startOtlpTraceReceiver, STATUS_ERROR, WIRE_KIND } from '../support/otlp-trace-receiver';
import { DATABASE_PASSWORD, databaseUrlWithPassword, telemetryEnv } from '../support/telemetry-environment';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';
import { REQUEST_SPANS_SCOPE } from '../../../lib/runtime/tracing/request-spans';
import { QUERY_SPANS_SCOPE } from '../../../lib/runtime/tracing/query-spans';

const SECRETS = {
  bearer: 'bearer-secret-5e1f',
  cookie: 'cookie-secret-77aa',
  query: 'query-secret-90b2',
  stepToken: 'step-token-secret-c3d4',
  stepQuery: 'step-query-secret-e5f6',
};

let receiver: OtlpTraceReceiver;
let target: HttpTarget;
let environment: TestEnvironment;
let api: ChildService;
let worker: ChildService;
let services: ChildServices;
let acme: ApiClient;

beforeAll(async () => {
  receiver = await startOtlpTraceReceiver();
  target = await startHttpTarget();
  environment = createTestEnvironment(telemetryEnv({ otlpEndpoint: receiver.endpoint }));
  services = await startServices(environment.env);
  ({ api, worker } = services);
  acme = apiClient(services.apiPort, 'acme');
});

afterAll(async () => {
  await services?.stop();
  await receiver?.close();
  await target?.close();
  await environment?.cleanup();
});

function serverSpan(name: string, predicate: (s: ReceivedSpan) => boolean = () => true): Promise<ReceivedSpan> {
  return eventually(() => receiver.spans.find((s) => s.kind === WIRE_KIND.server && s.name === name && predicate(s)), { what: `server span ${name}` });
}

describe('one execution', () => {
  let executionId: string;
  let workflowId: string;
  let trace: ReceivedSpan[];
  let request: ReceivedSpan;

  beforeAll(async () => {
    const created = await acme.createWorkflow(
      chain(
        {
          id: 'fetch',
          type: 'action:http',
          config: { method: 'GET', url: `${target.url}/ok?token=${SECRETS.stepQuery}`, headers: { authorization: `Bearer ${SECRETS.stepToken}` } },
        },
        { id: 'shape', type: 'action:transform', config: { expression: '{"status": steps.fetch.status}' } },
      ),
    );
    workflowId = created.body.id;
    executionId = (await acme.execute(workflowId, { n: 1 })).body.id;
    await eventually(async () => (await acme.getExecution(executionId)).body.status === 'completed', { what: 'execution completed' });
    request = await serverSpan('POST /api/v1/workflows/:id/executions');
    // Everything up to the last step's end; the SQL of the finish follows in the same batch or the next.
    trace = await eventually(() => {
      const spans = inTrace(receiver.spans, request.traceId);
      const steps = spans.filter((s) => s.name === 'step.execute');
      const workflow = spans.find((s) => s.name === 'workflow.execute');
      return steps.length === 3 && workflow && spans.some((s) => s.name === 'default process') ? spans : undefined;
    }, { what: 'the execution trace' });
  });

  it('starts with the API request, named by its route template', () => {
    expect(request.parentSpanId).toBeUndefined();
    expect(request.resource).toMatchObject({
      'service.name': 'gorax-api',
      'service.namespace': 'gorax',
      'service.version': expect.any(String),
      'deployment.environment': 'staging',
      'deployment.environment.name': 'staging',
      'service.instance.id': expect.any(String),
    });
    expect(request.attributes).toMatchObject({ 'http.route': '/api/v1/workflows/:id/executions', 'http.request.method': 'POST' });
    expect(request.attributes['url.path']).toBe(`/api/v1/workflows/${workflowId}/executions`);
  });

  it('links enqueue (producer), processing (consumer), the workflow and every step in one trace', () => {
    const publish = only(trace, (s) => s.name === 'default publish', 'publish span');
    expect(publish.kind).toBe(WIRE_KIND.producer);
    expect(parentOf(trace, publish)).toEqual(request);
    // One span per request from the HTTP server, none per handler or hook.
    expect(trace.filter((s) => s.scope === REQUEST_SPANS_SCOPE).map((s) => s.name)).toEqual([request.name]);
    expect(publish.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'messaging.destination.name': 'default', 'messaging.message.id': executionId });

    const process = only(trace, (s) => s.name === 'default process', 'process span');
    expect(process.kind).toBe(WIRE_KIND.consumer);
    expect(process.resource['service.name']).toBe('gorax-worker');
    expect(parentOf(trace, process)).toEqual(publish);
    expect(process.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'messaging.bullmq.attempt': 1 });

    const workflow = only(trace, (s) => s.name === 'workflow.execute', 'workflow span');
    expect(parentOf(trace, workflow)).toEqual(process);
    expect(workflow.attributes).toEqual({
      'gorax.execution_id': executionId,
      'gorax.tenant_id': 'acme',
      'gorax.workflow_id': workflowId,
      'gorax.trigger_type': 'manual',
      'gorax.execution.outcome': 'completed',
    });

    const steps = trace.filter((s) => s.name === 'step.execute');
    for (const step of steps) expect(parentOf(trace, step)).toEqual(workflow);
    expect(steps.map((s) => s.attributes).sort((a, b) => String(a['gorax.step.id']).localeCompare(String(b['gorax.step.id'])))).toEqual([
      { 'gorax.step.id': 'fetch', 'gorax.step.type': 'action:http', 'gorax.step.attempt': 1, 'gorax.step.max_attempts': 1, 'gorax.step.outcome': 'completed' },
      { 'gorax.step.id': 'shape', 'gorax.step.type': 'action:transform', 'gorax.step.attempt': 1, 'gorax.step.max_attempts': 1, 'gorax.step.outcome': 'completed' },
      { 'gorax.step.id': 'start', 'gorax.step.type': 'trigger:manual', 'gorax.step.attempt': 1, 'gorax.step.max_attempts': 1, 'gorax.step.outcome': 'completed' },
    ]);
  });

  it('has the outbound call as a client span whose traceparent the target received', () => {
    const fetchStep = only(trace, (s) => s.name === 'step.execute' && s.attributes['gorax.step.id'] === 'fetch', 'fetch step');
    const client = only(trace, (s) => s.kind === WIRE_KIND.client && s.scope?.includes('undici') === true, 'undici client span');
    expect(parentOf(trace, client)).toEqual(fetchStep);
    expect(client.attributes['url.full']).toBe(`${target.url}/ok`);
    expect(client.attributes['http.response.status_code']).toBe(200);
    const seen = target.requests.filter((r) => r.path === '/ok').map((r) => r.headers.traceparent);
    expect(seen).toContain(`00-${request.traceId}-${client.spanId}-01`);
    // Only W3C context goes out: no Sentry headers.
    expect(target.requests.every((r) => r.headers['sentry-trace'] === undefined)).toBe(true);
  });

  it('has the SQL queries (statement only) and Redis commands of both processes', async () => {
    const all = await eventually(() => {
      const spans = inTrace(receiver.spans, request.traceId);
      return spans.some((s) => s.scope === QUERY_SPANS_SCOPE && s.resource['service.name'] === 'gorax-worker' && /UPDATE executions/.test(String(s.attributes['db.query.text'] ?? ''))) ? spans : undefined;
    }, { what: 'the worker SQL spans' });
    const sql = all.filter((s) => s.scope === QUERY_SPANS_SCOPE);
    const services = new Set(sql.map((s) => s.resource['service.name']));
    expect(services).toEqual(new Set(['gorax-api', 'gorax-worker']));
    for (const span of sql) {
      expect(span.kind).toBe(WIRE_KIND.client);
      // Named as the database conventions say: operation and table ("UPDATE executions").
      expect(span.name).toBe(`${span.attributes['db.operation.name']} ${span.attributes['db.collection.name']}`);
      expect(span.attributes['db.system.name']).toBe('postgresql');
      expect(String(span.attributes['db.query.text'])).toMatch(/\$1/);
      // Parameters are never recorded: neither the bound values nor the input.
      expect(JSON.stringify(span.attributes)).not.toContain(executionId);
      expect(span.attributes['db.postgresql.values']).toBeUndefined();
      expect(ancestorsOf(all, span).length).toBeGreaterThan(0);
    }
    const redis = all.filter((s) => s.scope?.includes('ioredis'));
    expect(redis.length).toBeGreaterThan(0);
    for (const span of redis) expect(span.attributes['db.query.text'] ?? span.attributes['db.statement']).toBe(span.name);
    // The enqueue's EVALSHA carries the job data as arguments; only the command name is recorded.
    expect(ancestorsOf(all, redis.find((s) => s.resource['service.name'] === 'gorax-api')!)).toContainEqual(request);
  });

  it('puts the trace id and span id on log lines written inside the spans', () => {
    const workflow = only(trace, (s) => s.name === 'workflow.execute', 'workflow span');
    const finished = worker.lines.find((l) => l.msg === 'execution finished' && l.executionId === executionId);
    expect(finished).toMatchObject({ trace_id: request.traceId, span_id: workflow.spanId });
    const requestLine = api.lines.find((l) => l.msg === 'request' && l.route === '/api/v1/workflows/:id/executions');
    expect(requestLine?.trace_id).toBe(request.traceId);
    expect(api.lines.find((l) => l.msg === 'api listening')?.trace_id).toBeUndefined();
  });

  it('never records the step credentials, nor the database password', () => {
    const everything = Buffer.concat(receiver.rawRequests).toString('latin1');
    for (const secret of [SECRETS.stepToken, SECRETS.stepQuery, DATABASE_PASSWORD, databaseUrlWithPassword()]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('requests carrying credentials', () => {
  it('leave no trace of the Authorization header, the cookie or the query string in any span', async () => {
    const workflowId = (await acme.createWorkflow(chain({ id: 'noop', type: 'action:transform', config: { expression: '1' } }))).body.id;
    const answer = await acme.request('GET', `/api/v1/workflows/${workflowId}?token=${SECRETS.query}&x=1`, undefined, {
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `session=${SECRETS.cookie}`,
    });
    expect(answer.status).toBe(200);
    const span = await serverSpan('GET /api/v1/workflows/:id', (s) => s.attributes['url.path'] === `/api/v1/workflows/${workflowId}`);
    await eventually(() => inTrace(receiver.spans, span.traceId).some((s) => s.scope === QUERY_SPANS_SCOPE), { what: 'its SQL span' });
    for (const s of inTrace(receiver.spans, span.traceId)) {
      const text = JSON.stringify(s);
      for (const secret of [SECRETS.bearer, SECRETS.cookie, SECRETS.query]) expect(text).not.toContain(secret);
    }
    const everything = Buffer.concat(receiver.rawRequests).toString('latin1');
    for (const secret of [SECRETS.bearer, SECRETS.cookie, SECRETS.query, 'token=']) expect(everything).not.toContain(secret);
  });
});

describe('what is not traced', () => {
  it('records no span for health probes, and none under an unsampled incoming traceparent', async () => {
    const port = (api.lines.find((l) => l.msg === 'api listening')!.port as number);
    const unsampledTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`http://127.0.0.1:${port}/health/live?probe=1`);
    await fetch(`http://127.0.0.1:${port}/health/ready`);
    const answer = await acme.request('GET', '/api/v1/workflows/00000000-0000-4000-8000-000000000000', undefined, {
      traceparent: `00-${unsampledTrace}-00f067aa0ba902b7-00`,
    });
    expect(answer.status).toBe(404);
    // A later sampled request's spans arrive after anything exported before them.
    await acme.request('GET', '/api/v1/workflows/00000000-0000-4000-8000-000000000001');
    await serverSpan('GET /api/v1/workflows/:id', (s) => s.attributes['url.path'] === '/api/v1/workflows/00000000-0000-4000-8000-000000000001');
    expect(receiver.spans.filter((s) => s.traceId === unsampledTrace)).toEqual([]);
    expect(receiver.spans.filter((s) => String(s.attributes['url.path'] ?? '').startsWith('/health') || s.name.includes('/health'))).toEqual([]);
  });
});

describe('errors', () => {
  it('set status ERROR on the step, the workflow and record the exception', async () => {
    const workflowId = (await acme.createWorkflow(
      chain({ id: 'boom', type: 'action:http', config: { method: 'GET', url: `${target.url}/fail` }, retry: { maxAttempts: 2, backoffMs: 1 } }),
    )).body.id;
    const executionId = (await acme.execute(workflowId)).body.id;
    await eventually(async () => (await acme.getExecution(executionId)).body.status === 'failed', { what: 'execution failed' });
    const workflow = await eventually(() => receiver.spans.find((s) => s.name === 'workflow.execute' && s.attributes['gorax.execution_id'] === executionId), { what: 'workflow span' });
    const step = await eventually(() => inTrace(receiver.spans, workflow.traceId).find((s) => s.name === 'step.execute' && s.attributes['gorax.step.id'] === 'boom'), { what: 'step span' });
    expect(step.status.code).toBe(STATUS_ERROR);
    expect(step.attributes).toMatchObject({ 'gorax.step.attempt': 2, 'gorax.step.max_attempts': 2, 'gorax.step.outcome': 'failed' });
    expect(step.events.map((e) => e.name)).toEqual(['step.attempt.failed', 'step.attempt.failed', 'exception']);
    expect(step.events[2]!.attributes['exception.message']).toMatch(/answered 500/);
    expect(workflow.status.code).toBe(STATUS_ERROR);
    expect(workflow.attributes['gorax.execution.outcome']).toBe('failed');
    expect(workflow.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe('WorkflowFailure');
    // Each attempt's outbound call is its own client span under the step.
    const clients = inTrace(receiver.spans, workflow.traceId).filter((s) => s.kind === WIRE_KIND.client && s.scope?.includes('undici'));
    expect(clients.map((c) => c.parentSpanId)).toEqual([step.spanId, step.spanId]);
  });
});

describe('exemplars', () => {
  it('carry the trace id of sampled requests and executions in the OpenMetrics exposition only', async () => {
    const workflowId = (await acme.createWorkflow(chain({ id: 'n', type: 'action:transform', config: { expression: '1' } }))).body.id;
    const executionId = (await acme.execute(workflowId)).body.id;
    await eventually(async () => (await acme.getExecution(executionId)).body.status === 'completed', { what: 'execution completed' });
    const request = await serverSpan('POST /api/v1/workflows/:id/executions', (s) => s.attributes['url.path'] === `/api/v1/workflows/${workflowId}/executions`);
    const workflow = await eventually(() => receiver.spans.find((s) => s.name === 'workflow.execute' && s.attributes['gorax.execution_id'] === executionId), { what: 'workflow span' });
    expect(workflow.traceId).toBe(request.traceId);

    const scrape = async (child: ChildService, accept: string) => {
      const port = child.lines.find((l) => l.msg === 'api listening' || l.msg === 'worker listening')!.metricsPort as number;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept } });
      return { type: response.headers.get('content-type'), text: await response.text() };
    };
    const openMetrics = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
    const apiMetrics = await scrape(api, openMetrics);
    expect(apiMetrics.type).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(apiMetrics.text.trimEnd().endsWith('# EOF')).toBe(true);
    // The latest exemplar of some bucket of the route is this request's trace (a bucket keeps its last one).
    const requestBuckets = apiMetrics.text.split('\n').filter((l) => l.startsWith('gorax_http_request_duration_seconds_bucket{') && l.includes('path="/api/v1/workflows/:id/executions"'));
    expect(requestBuckets.some((l) => new RegExp(`# \\{trace_id="${request.traceId}"\\} [0-9.e-]+ [0-9.]+$`).test(l))).toBe(true);

    const workerMetrics = await scrape(worker, openMetrics);
    const workflowBuckets = workerMetrics.text.split('\n').filter((l) => l.startsWith('gorax_workflow_execution_duration_seconds_bucket{') && l.includes(`workflow_id="${workflowId}"`));
    expect(workflowBuckets.filter((l) => l.includes(`# {trace_id="${workflow.traceId}"}`))).toHaveLength(1);

    // Plain text (what promtool and curl get): no exemplars, no # EOF.
    const text = await scrape(api, 'text/plain');
    expect(text.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text.text).not.toContain('trace_id');
    expect(text.text).not.toContain('# EOF');
  });
});

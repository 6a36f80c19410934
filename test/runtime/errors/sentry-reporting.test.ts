/**
 * Error reports from the real services (child processes) to a loopback
 * stand-in for Sentry's ingest (SENTRY_DSN points at it), with tracing on so
 * events carry the OpenTelemetry trace id: 5xx reported and 4xx not, tags,
 * grouping per workflow and step type, scrubbing of everything credential-
 * like, and the per-fingerprint rate limit under a storm.
 */
import { Client } from 'pg';
import { apiClient, type ApiClient } from '../support/api-client';
import { type ChildService, type ChildServices, startServices } from '../support/child-service';
import { eventually } from '../support/eventually';
import { startHttpTarget, type HttpTarget } from '../support/http-target';
import { type OtlpTraceReceiver, startOtlpTraceReceiver, WIRE_KIND } from '../support/otlp-trace-receiver';
import { startSentryIngestReceiver, type SentryIngestReceiver } from '../support/sentry-ingest-receiver';
import { DATABASE_PASSWORD, databaseUrlWithPassword, telemetryEnv } from '../support/telemetry-environment';
import { createTestEnvironment, SHARED_DATABASE_URL, type TestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

const RATE_LIMIT = 3;
const SECRETS = {
  bearer: 'bearer-secret-1a2b',
  cookie: 'cookie-secret-3c4d',
  query: 'query-secret-5e6f',
  stepToken: 'step-token-secret-7a8b',
};

let sentry: SentryIngestReceiver;
let otlp: OtlpTraceReceiver;
let target: HttpTarget;
let environment: TestEnvironment;
let api: ChildService;
let services: ChildServices;
let acme: ApiClient;

beforeAll(async () => {
  sentry = await startSentryIngestReceiver();
  otlp = await startOtlpTraceReceiver();
  target = await startHttpTarget();
  environment = createTestEnvironment({
    ...telemetryEnv({ otlpEndpoint: otlp.endpoint, sentryDsn: sentry.dsn }),
    SENTRY_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
  });
  services = await startServices(environment.env);
  ({ api } = services);
  acme = apiClient(services.apiPort, 'acme');
});

afterAll(async () => {
  await services?.stop();
  await sentry?.close();
  await otlp?.close();
  await target?.close();
  await environment?.cleanup();
});

function eventsWith(fingerprintHead: string): any[] {
  return sentry.events().filter((e) => Array.isArray(e.fingerprint) && e.fingerprint[0] === fingerprintHead);
}

/** Runs SQL in the test's schema (to break and repair the API's storage). */
async function sql(statement: string): Promise<void> {
  const client = new Client({ connectionString: SHARED_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${environment.schema}`);
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function assertNoSecretsIn(text: string): void {
  for (const secret of [...Object.values(SECRETS), DATABASE_PASSWORD, databaseUrlWithPassword(), 'postgres://', 'redis://', 'publickey@']) {
    expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/token=|Bearer [a-z0-9]/i);
}

describe('the worker', () => {
  it('reports failed executions and exhausted step retries, grouped per workflow and step type, with tags and the trace id', async () => {
    const failing = chain({
      id: 'call',
      type: 'action:http',
      config: { method: 'POST', url: `${target.url}/fail?token=${SECRETS.stepToken}`, headers: { authorization: `Bearer ${SECRETS.stepToken}` }, body: { password: SECRETS.stepToken } },
      retry: { maxAttempts: 2, backoffMs: 1 },
    });
    const first = (await acme.createWorkflow(failing, 'first')).body.id;
    const second = (await acme.createWorkflow(failing, 'second')).body.id;
    const runs = [
      { workflowId: first, executionId: (await acme.execute(first)).body.id },
      { workflowId: first, executionId: (await acme.execute(first)).body.id },
      { workflowId: second, executionId: (await acme.execute(second)).body.id },
    ];
    for (const run of runs) {
      await eventually(async () => (await acme.getExecution(run.executionId)).body.status === 'failed', { what: 'execution failed' });
    }
    await eventually(() => eventsWith('workflow-failure').length === 3 && eventsWith('step-retries-exhausted').length === 3, { what: 'six worker events' });

    for (const run of runs) {
      const workflowSpan = await eventually(() => otlp.spans.find((s) => s.name === 'workflow.execute' && s.attributes['gorax.execution_id'] === run.executionId), { what: 'workflow span' });
      for (const kind of ['workflow-failure', 'step-retries-exhausted']) {
        const event = only(eventsWith(kind).filter((e) => e.tags.execution_id === run.executionId));
        expect(event.fingerprint).toEqual([kind, run.workflowId, 'action:http']);
        expect(event.tags).toMatchObject({ tenant_id: 'acme', workflow_id: run.workflowId, execution_id: run.executionId, step_type: 'action:http', service: 'gorax-worker', trace_id: workflowSpan.traceId });
        expect(event.contexts.trace.trace_id).toBe(workflowSpan.traceId);
        expect(event.environment).toBe('staging');
        expect(event.release).toMatch(/^gorax@\d+\.\d+\.\d+/);
      }
    }
    // Grouping: one fingerprint per (workflow, step type), not one per execution.
    const groups = new Set(eventsWith('workflow-failure').map((e) => JSON.stringify(e.fingerprint)));
    expect(groups).toEqual(new Set([JSON.stringify(['workflow-failure', first, 'action:http']), JSON.stringify(['workflow-failure', second, 'action:http'])]));
    expect(only(eventsWith('workflow-failure').filter((e) => e.tags.execution_id === runs[0]!.executionId)).exception.values[0]).toMatchObject({
      type: 'WorkflowFailure',
      value: expect.stringMatching(/step "call" \(action:http\) failed: POST http:\/\/127\.0\.0\.1:\d+\/fail answered 500/),
    });
  });
});

describe('the API', () => {
  let executionId: string;

  beforeAll(async () => {
    const workflowId = (await acme.createWorkflow(chain({ id: 'n', type: 'action:transform', config: { expression: '1' } }))).body.id;
    executionId = (await acme.execute(workflowId)).body.id;
    await eventually(async () => (await acme.getExecution(executionId)).body.status === 'completed', { what: 'execution completed' });
    // A real storage failure for GET /executions/:id: its step table is gone.
    await sql('ALTER TABLE step_executions RENAME TO step_executions_away');
  });

  afterAll(async () => {
    await sql('ALTER TABLE step_executions_away RENAME TO step_executions').catch(() => undefined);
  });

  const withCredentials = { authorization: `Bearer ${SECRETS.bearer}`, cookie: `session=${SECRETS.cookie}`, 'x-api-key': SECRETS.bearer };

  it('reports one event for a 500 and none for a 400, with the tags and the trace id, and nothing credential-like', async () => {
    const bad = await acme.request('POST', `/api/v1/workflows?token=${SECRETS.query}`, { name: 'x', definition: { nodes: [] } }, withCredentials);
    expect(bad.status).toBe(400);
    const failed = await acme.request('GET', `/api/v1/executions/${executionId}?token=${SECRETS.query}`, undefined, withCredentials);
    expect(failed.status).toBe(500);

    const [event] = await eventually(() => (eventsWith('api-error').length > 0 ? eventsWith('api-error') : undefined), { what: 'the API event' });
    const request = await eventually(() => otlp.spans.find((s) => s.kind === WIRE_KIND.server && s.name === 'GET /api/v1/executions/:id' && s.attributes['http.response.status_code'] === 500), { what: 'the 500 request span' });
    expect(event.fingerprint).toEqual(['api-error', 'GET /api/v1/executions/:id', 'DatabaseError']);
    expect(event.tags).toMatchObject({ tenant_id: 'acme', route: 'GET /api/v1/executions/:id', service: 'gorax-api', trace_id: request.traceId });
    expect(event.contexts.trace.trace_id).toBe(request.traceId);
    expect(event.exception.values[0].value).toMatch(/step_executions/);
    expect(event.request).toBeUndefined();
    // The 400 never becomes an event: the only API event so far is the 500.
    expect(sentry.events().filter((e) => e.tags?.service === 'gorax-api')).toHaveLength(1);
  });

  it('holds the per-fingerprint rate limit under a storm, and flushes on shutdown', async () => {
    for (let i = 0; i < 25; i += 1) {
      expect((await acme.request('GET', `/api/v1/executions/${executionId}`, undefined, withCredentials)).status).toBe(500);
    }
    // SIGTERM closes the API and then flushes what Sentry still holds: after exit, nothing more can come.
    api.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(eventsWith('api-error')).toHaveLength(RATE_LIMIT);
  });

  it('sent no header, cookie, token, DSN or connection string in any envelope', () => {
    expect(sentry.requests.length).toBeGreaterThan(0);
    for (const request of sentry.requests) assertNoSecretsIn(request.body);
    // The public key travels only in the query string of the POST, as the protocol wants.
    expect(sentry.requests.every((r) => r.url.startsWith('/api/1/envelope/'))).toBe(true);
  });
});

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

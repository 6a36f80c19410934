/**
 * Sampling is ParentBased(TraceIdRatio(TRACING_SAMPLE_RATE)): at rate 0 no
 * new trace is sampled, but a request arriving with a sampled traceparent is
 * traced under the caller's trace id. (Rate 1 tracing everything, and an
 * unsampled parent being honoured, are in execution-trace.test.ts.) The API
 * runs as a child process; SIGTERM flushes its spans, so once it has exited
 * everything it would ever send has arrived.
 */
import { apiClient } from '../support/api-client';
import { type ChildService, startChild } from '../support/child-service';
import { type OtlpTraceReceiver, startOtlpTraceReceiver, WIRE_KIND } from '../support/otlp-trace-receiver';
import { telemetryEnv } from '../support/telemetry-environment';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';
import { QUERY_SPANS_SCOPE } from '../../../lib/runtime/tracing/query-spans';

let receiver: OtlpTraceReceiver;
let environment: TestEnvironment;
let api: ChildService;

beforeAll(async () => {
  receiver = await startOtlpTraceReceiver();
  environment = createTestEnvironment(telemetryEnv({ otlpEndpoint: receiver.endpoint, sampleRate: '0' }));
});

afterAll(async () => {
  api?.kill('SIGKILL');
  await api?.exited;
  await receiver?.close();
  await environment?.cleanup();
});

it('at rate 0 sends no span of its own, and honours an incoming sampled traceparent', async () => {
  api = startChild('api', environment.env);
  const [listening] = await Promise.all([api.waitForLog('api listening'), api.waitForLog('api started')]);
  const acme = apiClient(listening.port as number, 'acme');
  const workflow = chain({ id: 'n', type: 'action:transform', config: { expression: '1' } });

  for (let i = 0; i < 5; i += 1) expect((await acme.createWorkflow(workflow)).status).toBe(201);
  const callerTrace = '0af7651916cd43dd8448eb211c80319c';
  const callerSpan = 'b7ad6b7169203331';
  const traced = await acme.request('POST', '/api/v1/workflows', { name: 'traced', definition: workflow }, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
  expect(traced.status).toBe(201);

  api.kill('SIGTERM');
  expect(await api.exited).toEqual({ code: 0, signal: null });

  expect(receiver.spans.length).toBeGreaterThan(1);
  expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([callerTrace]));
  const server = receiver.spans.filter((s) => s.kind === WIRE_KIND.server);
  expect(server.map((s) => [s.name, s.parentSpanId])).toEqual([['POST /api/v1/workflows', callerSpan]]);
  // Its SQL is in the caller's trace too.
  expect(receiver.spans.some((s) => s.scope === QUERY_SPANS_SCOPE)).toBe(true);
});

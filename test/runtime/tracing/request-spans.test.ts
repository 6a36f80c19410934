/**
 * The API's request spans (request-spans.ts) against a real SDK in the Jest
 * process: one SERVER span per request named by route template, the handler
 * running in its context, 5xx marked failed (with the scrubbed message when
 * it threw) and 4xx not, probes left out, and the caller's traceparent
 * honoured both ways. The child-process trace tests cover the same through
 * OTLP end to end.
 */
import { context, propagation, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { UNMATCHED_ROUTE } from '../../../lib/catalog/labels';
import { HttpError } from '../../../lib/runtime/api/http-error';
import { registerErrorHandling } from '../../../lib/runtime/api/plugins/error-handling';
import { registerHealthRoutes } from '../../../lib/runtime/health/health-routes';
import { HealthMonitor } from '../../../lib/runtime/health/health-monitor';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { createSecretScrubber } from '../../../lib/runtime/logging/secret-scrubber';
import { registerRequestSpans } from '../../../lib/runtime/tracing/request-spans';
import { activeTraceIds, withSpan } from '../../../lib/runtime/tracing/spans';
import { eventually } from '../support/eventually';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

const SECRET = 'secret-in-an-error-message';
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

/** `sampleRate`: the hook's rate for new traces; undefined = request spans not registered (tracing disabled). */
function buildApp(sampleRate: number | undefined): FastifyInstance {
  const app = Fastify();
  if (sampleRate !== undefined) registerRequestSpans(app, sampleRate);
  registerErrorHandling(app, createSecretScrubber([SECRET]));
  const health = new HealthMonitor([], { timeoutMs: 100, cacheTtlMs: 0, intervalMs: 60_000, registry: undefined, logger: createLogger({ level: 'silent', service: 'api' }), scrub: (s) => s });
  health.markStarted();
  registerHealthRoutes(app, health);
  app.get('/things/:id', async () => ({ ids: activeTraceIds(), child: await withSpan('child', {}, async (span: Span) => span.spanContext().spanId), carrier: injected() }));
  app.get('/boom', async () => {
    throw new Error(`database said no to ${SECRET}`);
  });
  app.get('/bad', async () => {
    throw new HttpError(400, 'the client sent nonsense');
  });
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { late: true };
  });
  app.get('/unavailable', async (_request, reply) => reply.code(503).send({ statusCode: 503 }));
  app.get('/busy', async () => {
    throw new HttpError(503, 'try again later');
  });
  return app;
}

/** What the enqueue would write into a job (queue-trace-context.ts). */
function injected(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** A real HTTP request to the listening app (Fastify's inject() cannot load its cookie module under Jest). */
async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<{ statusCode: number; body: string; json(): unknown }> {
  const { port } = app.server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}${url}`, { headers });
  const body = await response.text();
  return { statusCode: response.status, body, json: () => JSON.parse(body) };
}

/** A listening app with request spans deciding new traces at `hookRate`, under an in-process SDK whose own ratio is `sdkRate`. */
async function serve(sdkRate: number, hookRate: number): Promise<{ tracing: InProcessTracing; app: FastifyInstance }> {
  const tracing = startInProcessTracing({ sampleRate: sdkRate });
  const app = buildApp(hookRate);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { tracing, app };
}

async function stopServing(app: FastifyInstance | undefined, tracing: InProcessTracing | undefined): Promise<void> {
  await app?.close();
  await tracing?.stop();
}

function serverSpans(tracing: InProcessTracing): ReadableSpan[] {
  return tracing.exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
}

describe('sampled (rate 1)', () => {
  let tracing: InProcessTracing;
  let app: FastifyInstance;

  beforeAll(async () => ({ tracing, app } = await serve(1, 1)));
  afterAll(() => stopServing(app, tracing));
  beforeEach(() => tracing.exporter.reset());

  it('records one SERVER span per request, named by route template, with the handler in its context', async () => {
    const answer = await get(app, '/things/42?token=abc');
    expect(answer.statusCode).toBe(200);
    const [server, ...others] = serverSpans(tracing);
    expect(others).toEqual([]);
    expect(server!.name).toBe('GET /things/:id');
    expect(server!.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/things/:id',
      'url.path': '/things/42',
      'http.response.status_code': 200,
    });
    expect(server!.status.code).toBe(SpanStatusCode.UNSET);
    const body = answer.json() as { ids: { traceId: string; spanId: string }; child: string };
    expect(body.ids).toEqual({ traceId: server!.spanContext().traceId, spanId: server!.spanContext().spanId });
    const child = tracing.exporter.getFinishedSpans().find((s) => s.name === 'child')!;
    expect(child.spanContext().spanId).toBe(body.child);
    expect(child.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
  });

  it('marks a 5xx that threw as failed, with the scrubbed message; the answer stays generic', async () => {
    const answer = await get(app, '/boom');
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain(SECRET);
    const [server] = serverSpans(tracing);
    expect(server!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database said no to [redacted]' });
    expect(server!.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'database said no to [redacted]']]);
    expect(JSON.stringify({ name: server!.name, attributes: server!.attributes, status: server!.status, events: server!.events })).not.toContain(SECRET);
  });

  it('marks a 5xx answered without an error as failed too, and leaves a 4xx unset (the client\'s error)', async () => {
    expect((await get(app, '/unavailable')).statusCode).toBe(503);
    expect((await get(app, '/bad')).statusCode).toBe(400);
    const byName = new Map(serverSpans(tracing).map((s) => [s.name, s]));
    expect(byName.get('GET /unavailable')!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName.get('GET /unavailable')!.events).toEqual([]);
    expect(byName.get('GET /bad')!.status.code).toBe(SpanStatusCode.UNSET);
    expect(byName.get('GET /bad')!.attributes['http.response.status_code']).toBe(400);
  });

  it('names a request that matched no route by the fixed unmatched value, never its URL', async () => {
    expect((await get(app, '/no/such/place')).statusCode).toBe(404);
    const [server] = serverSpans(tracing);
    expect(server!.name).toBe(`GET ${UNMATCHED_ROUTE}`);
    expect(server!.attributes).toMatchObject({ 'http.route': UNMATCHED_ROUTE, 'url.path': '/no/such/place', 'http.response.status_code': 404 });
  });

  it('still ends and exports the span of a request whose client went away before the answer', async () => {
    const { port } = app.server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const client = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
      client.on('error', () => resolve());
      client.end();
      setTimeout(() => client.destroy(), 50);
    });
    const server = await eventually(() => serverSpans(tracing).find((s) => s.name === 'GET /slow'), { what: 'the abandoned request\'s span', timeoutMs: 3000 });
    // No answer was sent, so there is no status code to record.
    expect(server.attributes['http.response.status_code']).toBeUndefined();
    expect(server.ended).toBe(true);
  });

  it('records nothing for health probes', async () => {
    for (const url of ['/health/live', '/health/ready', '/health/startup?x=1']) expect((await get(app, url)).statusCode).toBe(200);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });

  it('continues the caller\'s trace, and honours its decision not to sample', async () => {
    await get(app, '/things/1', { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` });
    const [server] = serverSpans(tracing);
    expect(server!.spanContext().traceId).toBe(CALLER_TRACE);
    expect(server!.parentSpanContext?.spanId).toBe(CALLER_SPAN);

    tracing.exporter.reset();
    const unsampled = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await get(app, '/things/1', { traceparent: `00-${unsampled}-00f067aa0ba902b7-00` });
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
    // Not recorded, but log lines inside still carry the caller's trace id.
    expect((answer.json() as { ids: { traceId: string } }).ids.traceId).toBe(unsampled);
  });
});

describe('unsampled (rate 0)', () => {
  let tracing: InProcessTracing;
  let app: FastifyInstance;

  beforeAll(async () => ({ tracing, app } = await serve(0, 0)));
  afterAll(() => stopServing(app, tracing));

  it('records no span but still gives the request a trace id of its own, for log correlation and the worker', async () => {
    type Body = { ids?: { traceId: string; spanId: string }; child: string; carrier: Record<string, string> };
    const first = (await get(app, '/things/1')).json() as Body;
    const second = (await get(app, '/things/2')).json() as Body;
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
    expect(first.ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(second.ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.ids!.traceId).not.toBe(second.ids!.traceId);
    // What the job carries to the worker: this trace, "not sampled", so its ParentBased sampler drops the execution.
    expect(first.carrier.traceparent).toBe(`00-${first.ids!.traceId}-${first.ids!.spanId}-00`);
    expect(first.child).toBe(first.ids!.spanId);
  });

  it('still marks nothing and throws nothing when an unsampled request fails', async () => {
    expect((await get(app, '/boom')).statusCode).toBe(500);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('the decision for a new trace is taken once, by the request hook', () => {
  let tracing: InProcessTracing | undefined;
  let app: FastifyInstance | undefined;

  async function start(sdkRate: number, hookRate: number): Promise<FastifyInstance> {
    ({ tracing, app } = await serve(sdkRate, hookRate));
    return app;
  }
  afterEach(() => stopServing(app, tracing));

  it('records a request the hook sampled even where the SDK\'s own ratio would keep nothing', async () => {
    const served = await start(0, 1);
    const body = (await get(served, '/things/7')).json() as { ids: { traceId: string }; carrier: Record<string, string> };
    const [server] = serverSpans(tracing!);
    expect(server!.name).toBe('GET /things/:id');
    expect(server!.spanContext().traceId).toBe(body.ids.traceId);
    // Its children follow it (ParentBased) and the job would carry "sampled".
    expect(tracing!.exporter.getFinishedSpans().map((s) => s.name)).toContain('child');
    expect(body.carrier.traceparent).toMatch(new RegExp(`^00-${body.ids.traceId}-[0-9a-f]{16}-01$`));
  });

  it('keeps about the configured share of new traces', async () => {
    const served = await start(1, 0.5);
    const requests = 200;
    for (let i = 0; i < requests; i++) await get(served, `/things/${i}`);
    // Binomial(200, 0.5): 100 ± 7; outside 60-140 is a chance of about 1 in 10^8.
    const sampled = serverSpans(tracing!).length;
    expect(sampled).toBeGreaterThan(60);
    expect(sampled).toBeLessThan(140);
  });
});

describe('without request spans (tracing disabled)', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildApp(undefined);
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers server errors as before: marking a span that does not exist is a no-op', async () => {
    const busy = await get(app, '/busy');
    expect([busy.statusCode, busy.json()]).toEqual([503, expect.objectContaining({ message: 'try again later' })]);
    expect((await get(app, '/boom')).statusCode).toBe(500);
  });
});

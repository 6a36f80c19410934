/**
 * The API's SERVER span, one per request, from one Fastify hook: onRequest
 * starts it under the caller's W3C context and runs the rest of the request
 * in its context (so SQL, Redis and enqueue spans are its children and log
 * lines carry its ids); a sampled one is ended with the status code when
 * its response closes.
 *
 * It replaced @fastify/otel, which did the same with more machinery per
 * request (an ignore-path callback on the raw URL, RPC metadata, an
 * attribute object built before the sampling decision, and a route-level
 * onSend and onError hook on every route). On Node 24 that machinery was a
 * third of what tracing added to an unsampled request (callgrind, main
 * thread: 44k instructions against 29k; docs/performance.md).
 *
 * Only the OpenTelemetry API is used. A request that carries a caller's
 * context is sampled by the SDK (ParentBased); one that starts a trace is
 * decided here before the SDK is asked (root-sampling.ts). An unsampled
 * request still gets a span context (its trace id is on log lines and is
 * what the worker's ParentBased sampler follows), but nothing is named,
 * computed or recorded for it.
 */
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UNMATCHED_ROUTE } from '../../catalog/labels';
import { METRICS_PATH } from '../../config/service-contract';
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace } from './otel-api';
import { SAMPLED_ROOT, sampleNewTrace, unsampledRootSpan } from './root-sampling';
import { LEAN_ROOT_CONTEXT } from './span-only-context';
import { markSpanFailed } from './spans';
import { redactPath } from './url-redaction';

/** The instrumentation scope of the request spans. */
export const REQUEST_SPANS_SCOPE = 'gorax-http-server';

/** Probes and scrapes are not traffic: no spans. Matched on the raw URL, so /health/anything is left out too. */
const NOT_TRACED = new RegExp(`^(?:/health(?:[/?#]|$)|${METRICS_PATH}(?:[/?#]|$))`);

const SPAN = Symbol('gorax.requestSpan');
const FAILED = Symbol('gorax.requestSpanFailed');

interface TracedRequest {
  [SPAN]: Span | null | undefined;
  [FAILED]: boolean;
}

/** The fields this module decorates every request with. */
function traced(request: FastifyRequest): TracedRequest {
  return request as unknown as TracedRequest;
}

/**
 * The request's parent context and span. With W3C headers the caller's
 * context is parsed and the SDK decides (ParentBased); without them (most
 * requests) the request starts a trace, decided here (root-sampling.ts).
 * Either way the context starts lean (span-only-context.ts).
 */
function startRequestSpan(tracer: Tracer, headers: FastifyRequest['headers'], sampleRate: number): { parent: Context; span: Span } {
  if (headers.traceparent !== undefined || headers.baggage !== undefined) {
    const parent = propagation.extract(LEAN_ROOT_CONTEXT, headers);
    return { parent, span: tracer.startSpan('request', { kind: SpanKind.SERVER }, parent) };
  }
  const span = sampleNewTrace(sampleRate) ? tracer.startSpan('request', { kind: SpanKind.SERVER }, SAMPLED_ROOT) : unsampledRootSpan();
  return { parent: LEAN_ROOT_CONTEXT, span };
}

/** `sampleRate`: TRACING_SAMPLE_RATE, the share of new traces (requests without a sampled caller) that are recorded. */
export function registerRequestSpans(app: FastifyInstance, sampleRate: number): void {
  const tracer = trace.getTracer(REQUEST_SPANS_SCOPE);
  // Declared up front, so every request object has the same shape (Fastify's advice for per-request fields).
  app.decorateRequest(SPAN, null);
  app.decorateRequest(FAILED, false);
  // A callback hook, not an async one: an async hook costs promises on every request.
  app.addHook('onRequest', (request, reply, done) => {
    if (NOT_TRACED.test(request.url)) return done();
    const { parent, span } = startRequestSpan(tracer, request.headers, sampleRate);
    if (span.isRecording()) {
      // Named by route template, never the URL; the path is recorded without its query string.
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.request.method': request.method, 'http.route': route, 'url.path': redactPath(request.url) });
      const fields = traced(request);
      fields[SPAN] = span;
      // Ended when the response closes: after it was sent, or when the client went away before the answer (which
      // gets no onResponse; the span would never be exported and its children would lose their parent). Only
      // sampled requests pay for this: an unsampled one has nothing to end, so there is no onResponse hook at all.
      reply.raw.once('close', () => endSpan(span, fields, reply.raw));
    }
    otelContext.with(trace.setSpan(parent, span), done);
  });
}

/** Ends a sampled request's span (once: its response closes once), with the status code when the response was sent. */
function endSpan(span: Span, fields: TracedRequest, response: FastifyReply['raw']): void {
  if (response.writableFinished) {
    span.setAttribute('http.response.status_code', response.statusCode);
    // A 5xx that threw was marked with its error (markRequestFailed); one that did not still is an error.
    if (response.statusCode >= 500 && !fields[FAILED]) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/**
 * Marks the request's span failed with the error (status ERROR and an
 * exception event). For server errors only: a 4xx is the client's, and
 * OpenTelemetry's HTTP conventions leave a SERVER span's status unset for it.
 * `message` is the scrubbed text to record.
 */
export function markRequestFailed(request: FastifyRequest, error: unknown, message: string): void {
  const fields = traced(request);
  // Undefined when request spans are not registered (tracing disabled), null for untraced and unsampled requests.
  const span = fields[SPAN];
  if (!span?.isRecording()) return;
  markSpanFailed(span, error, message);
  fields[FAILED] = true;
}

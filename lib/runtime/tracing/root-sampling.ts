/**
 * The sampling decision for a request that starts a trace, taken before the
 * SDK is asked for a span. An unsampled one gets a span context of its own
 * (random ids, "not sampled"), so its trace id is still on log lines and on
 * the job it enqueues, and the worker's ParentBased sampler still drops the
 * execution; but it skips the SDK's root span (a sampler call, an id
 * generator, span metrics): about 9k instructions fewer per unsampled
 * request on Node 24 (callgrind, tracing at 0%: 322k to 313k;
 * docs/performance.md). A sampled one is started by the SDK under
 * SAMPLED_ROOT, which the root sampler (caller-decided-sampler.ts) honours,
 * so the decision is taken once.
 *
 * Only the OpenTelemetry API is used here: it is loaded whether or not
 * tracing is enabled.
 */
import type { Span, SpanContext } from '@opentelemetry/api';
import { createContextKey, ROOT_CONTEXT, TraceFlags, trace } from './otel-api';
import { RandomTraceIds } from './random-trace-ids';
import type { TraceIds } from './spans';

/** Set on the parent context of a root span that the caller has already decided to sample. */
export const SAMPLED_ROOT_KEY = createContextKey('gorax.sampledRoot');

/** The parent context to start a root span in once it has been decided to sample it. */
export const SAMPLED_ROOT = ROOT_CONTEXT.setValue(SAMPLED_ROOT_KEY, true);

/** Whether a new trace is sampled at `rate` (0 to 1): the same share of traces as TraceIdRatio keeps. */
export function sampleNewTrace(rate: number): boolean {
  return Math.random() < rate;
}

/** Shared by every unsampled root: one batch of random bytes serves many requests. */
const unsampledIds = new RandomTraceIds();

/**
 * The span context of a trace that is not sampled, with ids drawn when first
 * read. A request that logs nothing and enqueues nothing never reads them
 * (the exemplar lookup reads only the flags; at LOG_LEVEL=info the request
 * line does read them); drawing and hex-encoding two ids on every request
 * was the largest part of the unsampled path (docs/performance.md). The ids
 * are getters on the prototype: code that copies a span context field by
 * field gets them, and nothing here or in the SDK, the propagators, Sentry
 * or pino spreads one.
 */
export class UnsampledSpanContext implements SpanContext {
  readonly traceFlags = TraceFlags.NONE;
  private drawn: TraceIds | undefined = undefined;

  get traceId(): string {
    return (this.drawn ??= unsampledIds.draw()).traceId;
  }

  get spanId(): string {
    return (this.drawn ??= unsampledIds.draw()).spanId;
  }
}

/** A valid span context for a trace that is not sampled (not recording; its ids are drawn when first read). */
export function unsampledRootSpan(): Span {
  return trace.wrapSpanContext(new UnsampledSpanContext());
}

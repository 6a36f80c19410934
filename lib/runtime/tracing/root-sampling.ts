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
import { createContextKey, INVALID_SPANID, INVALID_TRACEID, ROOT_CONTEXT, type Span, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

/** Set on the parent context of a root span that the caller has already decided to sample. */
export const SAMPLED_ROOT_KEY = createContextKey('gorax.sampledRoot');

/** The parent context to start a root span in once it has been decided to sample it. */
export const SAMPLED_ROOT = ROOT_CONTEXT.setValue(SAMPLED_ROOT_KEY, true);

/** Whether a new trace is sampled at `rate` (0 to 1): the same share of traces as TraceIdRatio keeps. */
export function sampleNewTrace(rate: number): boolean {
  return Math.random() < rate;
}

const ids = Buffer.alloc(24);

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
  private drawn: { readonly traceId: string; readonly spanId: string } | undefined = undefined;

  get traceId(): string {
    return (this.drawn ??= drawIds()).traceId;
  }

  get spanId(): string {
    return (this.drawn ??= drawIds()).spanId;
  }
}

/**
 * Random ids from Math.random, as the SDK's RandomIdGenerator's are: they
 * must be unique, not unpredictable, and the CSPRNG (crypto.randomFillSync)
 * costs about 4 µs a call here, more than the SDK span this replaces.
 */
function drawIds(): { traceId: string; spanId: string } {
  for (;;) {
    for (let offset = 0; offset < ids.length; offset += 4) ids.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, offset);
    const traceId = ids.toString('hex', 0, 16);
    const spanId = ids.toString('hex', 16, 24);
    // All-zero ids are invalid (one chance in 2^64 per field): draw again.
    if (traceId !== INVALID_TRACEID && spanId !== INVALID_SPANID) return { traceId, spanId };
  }
}

/** A valid span context for a trace that is not sampled (not recording; its ids are drawn when first read). */
export function unsampledRootSpan(): Span {
  return trace.wrapSpanContext(new UnsampledSpanContext());
}

/**
 * Our own spans (the seed's StartSpan(ctx, name, attrs)) and the active
 * trace's ids for logs, exemplars and error reports. Only the OpenTelemetry
 * API is used here: without a registered SDK every call is a cheap no-op.
 */
import type { Attributes, Span, SpanContext } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, TraceFlags, trace } from './otel-api';
import { UnsampledSpanContext } from './root-sampling';

/** The instrumentation scope of withSpan's spans. */
export const OWN_SPANS_SCOPE = 'gorax';

/**
 * Runs fn inside a new active span; an error sets status ERROR, is recorded on the span and rethrown.
 * Under an unsampled parent fn runs under that parent (isUnsampled).
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const parent = trace.getActiveSpan();
  if (parent !== undefined && isUnsampled(parent)) return fn(parent);
  return trace.getTracer(OWN_SPANS_SCOPE).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A non-recording parent of a trace that is not sampled. ParentBased sampling
 * never records a descendant of it, so the SDK would start a child that
 * nothing exports, at the price of a sampler call, two ids and a new active
 * context: about 25k instructions per span on Node 24 (callgrind), i.e. four
 * such spans per unsampled execution at 10% sampling. withSpan runs fn under
 * this parent instead: what is exported is the same, logs keep the trace id
 * (with the parent's span id), and what is propagated onward (into the job,
 * to an HTTP target) still says "not sampled". The parent is not ended here.
 */
function isUnsampled(parent: Span): boolean {
  const parentContext = parent.spanContext();
  return !parent.isRecording() && (parentContext.traceFlags & TraceFlags.SAMPLED) === 0 && trace.isSpanContextValid(parentContext);
}

/**
 * Status ERROR and an `exception` event. Only the error's type and message:
 * messages are scrubbed by the callers that build them (step errors are).
 */
export function markSpanFailed(span: Span, error: unknown, message?: string): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException({ name: err.name, message: message ?? err.message });
  span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? err.message });
}

export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * Whether a span's ids are valid. The SDK's recording spans and our unsampled
 * roots have valid ids by construction, so only other spans (a caller's
 * context that nothing recorded under) are checked: the check, two regular
 * expressions, was about a microsecond of every sampled request's metrics
 * hook and runs for every log line (perf, docs/performance.md).
 */
function hasValidIds(span: Span, context: SpanContext): boolean {
  return span.isRecording() || context instanceof UnsampledSpanContext || trace.isSpanContextValid(context);
}

/** The active span's ids when they are valid, sampled or not (logs correlate either way). */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const context = span.spanContext();
  return hasValidIds(span, context) ? { traceId: context.traceId, spanId: context.spanId } : undefined;
}

/** The active span's trace id only when sampled: an exemplar must lead to a trace that exists. */
export function sampledTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const context = span.spanContext();
  return (context.traceFlags & TraceFlags.SAMPLED) !== 0 && hasValidIds(span, context) ? context.traceId : undefined;
}

/** Exemplar labels ({ trace_id }) for a duration histogram, when a sampled span is active. */
export function traceExemplar(): { readonly trace_id: string } | undefined {
  const traceId = sampledTraceId();
  return traceId === undefined ? undefined : { trace_id: traceId };
}

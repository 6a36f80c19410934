/**
 * Our own spans (the seed's StartSpan(ctx, name, attrs)) and the active
 * trace's ids for logs, exemplars and error reports. Only the OpenTelemetry
 * API is used here: without a registered SDK every call is a cheap no-op.
 */
import { type Attributes, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';

const TRACER_NAME = 'gorax';

/** Runs fn inside a new active span; an error sets status ERROR, is recorded on the span and rethrown. */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
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

/** The active span's ids when it is valid, sampled or not (logs correlate either way). */
export function activeTraceIds(): TraceIds | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : undefined;
}

/** The active span's trace id only when sampled: an exemplar must lead to a trace that exists. */
export function sampledTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceFlags & TraceFlags.SAMPLED && trace.isSpanContextValid(context) ? context.traceId : undefined;
}

/** Exemplar labels ({ trace_id }) for a duration histogram, when a sampled span is active. */
export function traceExemplar(): { readonly trace_id: string } | undefined {
  const traceId = sampledTraceId();
  return traceId === undefined ? undefined : { trace_id: traceId };
}

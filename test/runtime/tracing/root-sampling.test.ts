/** The decision for a new trace, taken before the SDK, and the span context an unsampled one gets. */
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { RandomTraceIds } from '../../../lib/runtime/tracing/random-trace-ids';
import { sampleNewTrace, unsampledRootSpan } from '../../../lib/runtime/tracing/root-sampling';

it('gives an unsampled trace valid W3C ids of its own, not sampled and not recording', () => {
  // More than one batch of the shared id source (random-trace-ids.ts).
  const spans = Array.from({ length: 600 }, () => unsampledRootSpan());
  for (const span of spans) {
    const context = span.spanContext();
    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.isSpanContextValid(context)).toBe(true);
    expect(context.traceFlags).toBe(TraceFlags.NONE);
    expect(span.isRecording()).toBe(false);
  }
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(spans.length);
});

it('draws the ids once, when first read, and keeps them', () => {
  const draw = jest.spyOn(RandomTraceIds.prototype, 'draw');
  try {
    const span = unsampledRootSpan();
    // The flags (all the exemplar lookup reads) come without drawing ids.
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(draw).not.toHaveBeenCalled();
    const { spanId } = span.spanContext();
    expect(draw).toHaveBeenCalledTimes(1);
    const { traceId } = span.spanContext();
    expect(span.spanContext().spanId).toBe(spanId);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(draw).toHaveBeenCalledTimes(1);
  } finally {
    draw.mockRestore();
  }
});

it('propagates its ids as a not-sampled W3C traceparent', () => {
  const span = unsampledRootSpan();
  const carrier: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, span), carrier, { set: (c, k, v) => (c[k] = v) });
  const { traceId, spanId } = span.spanContext();
  expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-00`);
});

it('samples nothing at 0, everything at 1, and about the share in between', () => {
  const draws = 10_000;
  const count = (rate: number) => Array.from({ length: draws }, () => sampleNewTrace(rate)).filter(Boolean).length;
  expect(count(0)).toBe(0);
  expect(count(1)).toBe(draws);
  // Binomial(10000, 0.1): 1000 ± 30; outside 850-1150 is a chance far below 1 in 10^6.
  const atTenPercent = count(0.1);
  expect(atTenPercent).toBeGreaterThan(850);
  expect(atTenPercent).toBeLessThan(1150);
});

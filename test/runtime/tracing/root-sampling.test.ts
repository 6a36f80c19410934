/** The decision for a new trace, taken before the SDK, and the span context an unsampled one gets. */
import { TraceFlags, trace } from '@opentelemetry/api';
import { sampleNewTrace, unsampledRootSpan } from '../../../lib/runtime/tracing/root-sampling';

it('gives an unsampled trace valid W3C ids of its own, not sampled and not recording', () => {
  const spans = Array.from({ length: 50 }, () => unsampledRootSpan());
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

/** Navigating received spans: one trace, a span's parent and ancestors. */
import type { ReceivedSpan } from './otlp-trace-receiver';

export function inTrace(spans: readonly ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId);
}

export function parentOf(spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return span.parentSpanId === undefined ? undefined : spans.find((s) => s.spanId === span.parentSpanId && s.traceId === span.traceId);
}

/** The span's ancestors, nearest first (stops at a parent not received). */
export function ancestorsOf(spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (let parent = parentOf(spans, span); parent; parent = parentOf(spans, parent)) out.push(parent);
  return out;
}

export function only(spans: readonly ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(predicate);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, found ${found.length}: ${found.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

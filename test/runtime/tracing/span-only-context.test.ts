/** The lean context requests and jobs run in: it must behave as ROOT_CONTEXT-based contexts do for every reader. */
import { context, createContextKey, propagation, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { LEAN_ROOT_CONTEXT } from '../../../lib/runtime/tracing/span-only-context';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const OTHER_KEY = createContextKey('gorax.test.other');

/** The lean contexts' class (not exported): what a context that stayed lean has as its prototype. */
const LEAN = Object.getPrototypeOf(LEAN_ROOT_CONTEXT) as object;

const spanWithIds = (spanId: string) => trace.wrapSpanContext({ traceId: TRACE_ID, spanId, traceFlags: TraceFlags.SAMPLED });

describe('LEAN_ROOT_CONTEXT', () => {
  it('holds nothing, like ROOT_CONTEXT', () => {
    expect(trace.getSpan(LEAN_ROOT_CONTEXT)).toBeUndefined();
    expect(LEAN_ROOT_CONTEXT.getValue(OTHER_KEY)).toBeUndefined();
  });

  it('is where trace.getSpan finds the span trace.setSpan put (the API key it relies on)', () => {
    const span = spanWithIds(SPAN_ID);
    const withSpan = trace.setSpan(LEAN_ROOT_CONTEXT, span);
    expect(trace.getSpan(withSpan)).toBe(span);
    expect(trace.getSpanContext(withSpan)?.spanId).toBe(SPAN_ID);
    expect(trace.getSpan(LEAN_ROOT_CONTEXT)).toBeUndefined();
  });

  it('stays lean when a span is set or replaced (what it is for), and not when anything else is', () => {
    const withSpan = trace.setSpan(LEAN_ROOT_CONTEXT, spanWithIds(SPAN_ID));
    expect(Object.getPrototypeOf(withSpan)).toBe(LEAN);
    expect(Object.getPrototypeOf(trace.setSpan(withSpan, spanWithIds('1111111111111111')))).toBe(LEAN);
    expect(Object.getPrototypeOf(withSpan.setValue(OTHER_KEY, 1))).toBe(Object.getPrototypeOf(ROOT_CONTEXT));
  });

  it('replaces the span when a child is made active, leaving the parent context as it was', () => {
    const parent = trace.setSpan(LEAN_ROOT_CONTEXT, spanWithIds(SPAN_ID));
    const child = trace.setSpan(parent, spanWithIds('1111111111111111'));
    expect(trace.getSpanContext(child)?.spanId).toBe('1111111111111111');
    expect(trace.getSpanContext(parent)?.spanId).toBe(SPAN_ID);
  });

  it('keeps the span when another value is set, and holds both', () => {
    const span = spanWithIds(SPAN_ID);
    const both = trace.setSpan(LEAN_ROOT_CONTEXT, span).setValue(OTHER_KEY, 42);
    expect(trace.getSpan(both)).toBe(span);
    expect(both.getValue(OTHER_KEY)).toBe(42);
    expect(trace.getSpan(both.deleteValue(OTHER_KEY))).toBe(span);
    expect(LEAN_ROOT_CONTEXT.setValue(OTHER_KEY, 'x').getValue(OTHER_KEY)).toBe('x');
  });

  it('drops the span on deleteSpan and ignores deleting a key it does not hold', () => {
    const withSpan = trace.setSpan(LEAN_ROOT_CONTEXT, spanWithIds(SPAN_ID));
    expect(trace.getSpan(trace.deleteSpan(withSpan))).toBeUndefined();
    expect(trace.getSpan(withSpan.deleteValue(OTHER_KEY))).toBe(trace.getSpan(withSpan));
  });
});

describe('LEAN_ROOT_CONTEXT with the W3C propagators and the SDK', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing()));
  afterAll(() => tracing.stop());
  beforeEach(() => tracing.exporter.reset());

  it('extracts a traceparent into a remote span context, still lean, and injects the same one', () => {
    const extracted = propagation.extract(LEAN_ROOT_CONTEXT, { traceparent: TRACEPARENT });
    expect(Object.getPrototypeOf(extracted)).toBe(LEAN);
    expect(trace.getSpanContext(extracted)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const carrier: Record<string, string> = {};
    propagation.inject(extracted, carrier);
    expect(carrier).toEqual({ traceparent: TRACEPARENT });
  });

  it('extracts baggage beside the span, as from ROOT_CONTEXT', () => {
    const headers = { traceparent: TRACEPARENT, baggage: 'plan=pro' };
    const lean = propagation.extract(LEAN_ROOT_CONTEXT, headers);
    const ordinary = propagation.extract(ROOT_CONTEXT, headers);
    expect(propagation.getBaggage(lean)?.getAllEntries()).toEqual(propagation.getBaggage(ordinary)?.getAllEntries());
    expect(propagation.getBaggage(lean)?.getEntry('plan')?.value).toBe('pro');
    expect(trace.getSpanContext(lean)).toEqual(trace.getSpanContext(ordinary));
  });

  it('is active inside context.with, and a span started there is the child of its span', async () => {
    const parent = propagation.extract(LEAN_ROOT_CONTEXT, { traceparent: TRACEPARENT });
    await context.with(parent, () =>
      trace.getTracer('test').startActiveSpan('child', { kind: SpanKind.INTERNAL }, async (child) => {
        expect(trace.getActiveSpan()).toBe(child);
        trace.getTracer('test').startSpan('grandchild').end();
        child.end();
      }),
    );
    const [grandchild, child] = tracing.exporter.getFinishedSpans();
    expect(child!.spanContext().traceId).toBe(TRACE_ID);
    expect(child!.parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(grandchild!.parentSpanContext?.spanId).toBe(child!.spanContext().spanId);
  });
});

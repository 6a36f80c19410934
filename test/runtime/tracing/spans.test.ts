/** withSpan (the seed's StartSpan) and the ids read from the active span. */
import { context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { activeTraceIds, sampledTraceId, traceExemplar, withSpan } from '../../../lib/runtime/tracing/spans';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

describe('with a sampling SDK', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing()));
  afterAll(() => tracing.stop());
  beforeEach(() => tracing.exporter.reset());

  it('runs fn in an active span with the attributes, nested spans as children', async () => {
    const result = await withSpan('outer', { 'gorax.tenant_id': 'acme' }, async () => withSpan('inner', {}, async () => traceExemplar()));
    const [inner, outer] = tracing.exporter.getFinishedSpans();
    expect(result).toEqual({ trace_id: outer!.spanContext().traceId });
    expect(outer!.attributes).toEqual({ 'gorax.tenant_id': 'acme' });
    expect(inner!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it('marks a failing span ERROR with the exception recorded, and rethrows', async () => {
    class StepBroke extends Error {
      override readonly name = 'StepBroke';
    }
    await expect(withSpan('failing', {}, async () => Promise.reject(new StepBroke('no luck')))).rejects.toThrow('no luck');
    const [span] = tracing.exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no luck' });
    expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([['exception', { 'exception.type': 'StepBroke', 'exception.message': 'no luck' }]]);
  });
});

/** A caller's context as the worker extracts it from a job: a remote span context, sampled or not. */
function remoteParent(sampled: boolean): { readonly traceId: string; readonly spanId: string; run<T>(fn: () => T): T } {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';
  const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
  return { traceId, spanId, run: (fn) => context.with(parent, fn) };
}

describe('under an unsampled parent (ParentBased records none of its descendants)', () => {
  let tracing: InProcessTracing;
  // Rate 1: only the parent's flag can keep these spans out.
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 1 })));
  afterAll(() => tracing.stop());
  beforeEach(() => tracing.exporter.reset());

  it('starts no span: fn runs under the parent, and "not sampled" is what propagates onward', async () => {
    const caller = remoteParent(false);
    const seen = await caller.run(() =>
      withSpan('consumer', { 'messaging.system': 'bullmq' }, async (span: Span) =>
        withSpan('inner', {}, async (inner: Span) => {
          const carrier: Record<string, string> = {};
          propagation.inject(context.active(), carrier);
          return { span: span.spanContext(), inner: inner.spanContext(), ids: activeTraceIds(), carrier };
        }),
      ),
    );
    expect(seen.span).toMatchObject({ traceId: caller.traceId, spanId: caller.spanId });
    expect(seen.inner).toEqual(seen.span);
    expect(seen.ids).toEqual({ traceId: caller.traceId, spanId: caller.spanId });
    expect(seen.carrier.traceparent).toBe(`00-${caller.traceId}-${caller.spanId}-00`);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });

  it('still rethrows what fn throws', async () => {
    await expect(remoteParent(false).run(() => withSpan('failing', {}, async () => Promise.reject(new Error('no luck'))))).rejects.toThrow('no luck');
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });

  it('records the children of a sampled remote parent, which is not recording either', async () => {
    const caller = remoteParent(true);
    await caller.run(() => withSpan('consumer', {}, async () => withSpan('inner', {}, async () => undefined)));
    const [inner, consumer] = tracing.exporter.getFinishedSpans();
    expect(consumer!.spanContext().traceId).toBe(caller.traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(caller.spanId);
    expect(inner!.parentSpanContext?.spanId).toBe(consumer!.spanContext().spanId);
  });
});

describe('ids for exemplars and log lines', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 1 })));
  afterAll(() => tracing.stop());

  it('come from a recording span, and from a sampled remote parent only when its ids are valid', async () => {
    const recorded = await withSpan('request', {}, async (span: Span) => [span.spanContext().traceId, sampledTraceId()] as const);
    expect(recorded[1]).toBe(recorded[0]);
    expect(remoteParent(true).run(sampledTraceId)).toBe(remoteParent(true).traceId);
    const invalid = (traceId: string) => context.with(trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED }), sampledTraceId);
    expect(invalid('0'.repeat(32))).toBeUndefined();
    expect(invalid('not-a-trace-id')).toBeUndefined();
  });

  it('leave log lines without ids when the active context is invalid', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'not-a-trace-id', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    expect(context.with(parent, activeTraceIds)).toBeUndefined();
    expect(remoteParent(false).run(activeTraceIds)).toEqual({ traceId: remoteParent(false).traceId, spanId: remoteParent(false).spanId });
  });
});

describe('with an SDK sampling nothing', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 0 })));
  afterAll(() => tracing.stop());

  it('gives an unsampled root its own ids, and nested calls run under it', async () => {
    const [outer, inner] = await withSpan('outer', {}, async () => [activeTraceIds(), await withSpan('inner', {}, async () => activeTraceIds())] as const);
    const [nextOuter] = await withSpan('outer', {}, async () => [activeTraceIds()] as const);
    expect(outer?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inner).toEqual(outer);
    expect(nextOuter?.traceId).not.toBe(outer?.traceId);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });

  it('still correlates logs (valid ids) but offers no exemplar trace id', async () => {
    const [ids, sampled, exemplar] = await withSpan('unsampled', {}, async () => [activeTraceIds(), sampledTraceId(), traceExemplar()] as const);
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sampled).toBeUndefined();
    expect(exemplar).toBeUndefined();
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('without an SDK', () => {
  it('runs fn and has no ids', async () => {
    expect(await withSpan('nothing', {}, async () => [activeTraceIds(), sampledTraceId()])).toEqual([undefined, undefined]);
  });
});

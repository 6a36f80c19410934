/** withSpan (the seed's StartSpan) and the ids read from the active span. */
import { SpanStatusCode } from '@opentelemetry/api';
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

describe('with an SDK sampling nothing', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 0 })));
  afterAll(() => tracing.stop());

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

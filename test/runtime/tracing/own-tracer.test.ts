/**
 * own-tracer.ts and recorded-span.ts: which spans our own tracer starts
 * itself and which it leaves to the SDK, and that for the same calls its
 * spans export what the SDK's spans export.
 */
import { type Attributes, context, diag, type Exception, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { hrTimeDuration, suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, NodeTracerProvider, type ReadableSpan, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { serviceSampler } from '../../../lib/runtime/tracing/caller-decided-sampler';
import { OwnSpansTracerProvider, registerWithOwnSpans } from '../../../lib/runtime/tracing/own-tracer';
import { QUERY_SPANS_SCOPE } from '../../../lib/runtime/tracing/query-spans';
import { RecordedSpan, SPAN_LIMIT } from '../../../lib/runtime/tracing/recorded-span';
import { REQUEST_SPANS_SCOPE } from '../../../lib/runtime/tracing/request-spans';
import { SAMPLED_ROOT } from '../../../lib/runtime/tracing/root-sampling';
import { LEAN_ROOT_CONTEXT } from '../../../lib/runtime/tracing/span-only-context';
import { OWN_SPANS_SCOPE } from '../../../lib/runtime/tracing/spans';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

/** A processor that notes the order of the calls it gets, and whether the span was already ended at each. */
class CallOrder implements SpanProcessor {
  readonly calls: string[] = [];
  onStart(span: Span): void {
    this.calls.push(`start ${(span as unknown as ReadableSpan).name}`);
  }
  onEnding(span: Span): void {
    this.calls.push(`ending ${(span as unknown as ReadableSpan).ended}`);
  }
  onEnd(span: ReadableSpan): void {
    this.calls.push(`end ${span.ended}`);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** An SDK provider and our provider in front of it, not registered globally: the two can be compared side by side. */
function providers(sampleRate = 1) {
  const exporter = new InMemorySpanExporter();
  const order = new CallOrder();
  const resource = resourceFromAttributes({ 'service.name': 'own-tracer-test' });
  const processors = [order, new SimpleSpanProcessor(exporter)];
  const sdk = new NodeTracerProvider({ resource, sampler: serviceSampler(sampleRate), spanProcessors: processors });
  const own = new OwnSpansTracerProvider(sdk, resource, processors);
  return { exporter, order, sdk, own };
}

const remote = (sampled: boolean) =>
  trace.setSpanContext(LEAN_ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });

describe('which spans the own tracer starts itself', () => {
  it('gives own tracers for our scopes only', () => {
    const { sdk, own } = providers();
    for (const scope of [REQUEST_SPANS_SCOPE, QUERY_SPANS_SCOPE, OWN_SPANS_SCOPE]) expect(own.getTracer(scope)).not.toBe(sdk.getTracer(scope));
    expect(own.getTracer('@opentelemetry/instrumentation-ioredis')).toBe(sdk.getTracer('@opentelemetry/instrumentation-ioredis'));
    expect(own.getTracer(OWN_SPANS_SCOPE)).toBe(own.getTracer(OWN_SPANS_SCOPE));
  });

  it('records a root the caller decided to sample, and the children of recording local spans, its own or the SDK’s', () => {
    const { own } = providers();
    const tracer = own.getTracer(REQUEST_SPANS_SCOPE);
    const root = tracer.startSpan('request', { kind: SpanKind.SERVER }, SAMPLED_ROOT);
    const child = tracer.startSpan('SELECT workflows', { kind: SpanKind.CLIENT }, trace.setSpan(LEAN_ROOT_CONTEXT, root));
    const underRemote = tracer.startSpan('request', {}, remote(true));
    const grandchild = tracer.startSpan('inner', {}, trace.setSpan(ROOT_CONTEXT, underRemote));
    expect(root).toBeInstanceOf(RecordedSpan);
    expect(child).toBeInstanceOf(RecordedSpan);
    expect(underRemote).not.toBeInstanceOf(RecordedSpan);
    expect(grandchild).toBeInstanceOf(RecordedSpan);
    expect(child.spanContext()).toMatchObject({ traceId: root.spanContext().traceId, traceFlags: TraceFlags.SAMPLED });
    expect((child as RecordedSpan).parentSpanContext).toBe(root.spanContext());
    expect(grandchild.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(new Set([root, child, underRemote, grandchild].map((s) => s.spanContext().spanId)).size).toBe(4);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
    expect(trace.isSpanContextValid(child.spanContext())).toBe(true);
  });

  it('leaves to the SDK what its sampler decides otherwise, and what it asks for that the own tracer does not handle', () => {
    const { own } = providers(0);
    const tracer = own.getTracer(OWN_SPANS_SCOPE);
    const ended = tracer.startSpan('ended', {}, SAMPLED_ROOT);
    ended.end();
    const started = [
      tracer.startSpan('root without a decision', {}, LEAN_ROOT_CONTEXT),
      tracer.startSpan('remote unsampled parent', {}, remote(false)),
      tracer.startSpan('remote sampled parent', {}, remote(true)),
      tracer.startSpan('ended parent', {}, trace.setSpan(ROOT_CONTEXT, ended)),
      tracer.startSpan('root option', { root: true }, SAMPLED_ROOT),
      tracer.startSpan('start time', { startTime: Date.now() }, SAMPLED_ROOT),
      tracer.startSpan('links', { links: [{ context: ended.spanContext() }] }, SAMPLED_ROOT),
      tracer.startSpan('suppressed', {}, suppressTracing(SAMPLED_ROOT)),
    ];
    for (const span of started) expect([span, span instanceof RecordedSpan]).toEqual([span, false]);
    // And the SDK decides as before: at rate 0 no undecided root; the child of a sampled parent, remote or ended; what
    // asks for a root, a start time or links under SAMPLED_ROOT; nothing where tracing is suppressed.
    expect(started.map((s) => s.isRecording())).toEqual([false, false, true, true, true, true, true, false]);
  });

  it('calls each processor’s onStart, onEnding before the span is ended and onEnd after, as the SDK does', () => {
    const { sdk, own, order } = providers();
    for (const tracer of [sdk.getTracer(OWN_SPANS_SCOPE), own.getTracer(OWN_SPANS_SCOPE)]) tracer.startSpan('span', {}, SAMPLED_ROOT).end();
    expect(order.calls).toEqual(['start span', 'ending false', 'end true', 'start span', 'ending false', 'end true']);
  });
});

/** What a span exports, without what differs by nature between two spans: ids and times. */
function exported(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes, droppedAttributesCount: e.droppedAttributesCount })),
    links: span.links,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    ended: span.ended,
    traceFlags: span.spanContext().traceFlags,
    hasParent: span.parentSpanContext !== undefined,
  };
}

/** The same calls on a span from the SDK's tracer and on one from ours, under the same sampled remote parent or as a decided root. */
function bothWays(script: (span: Span) => void, parent = SAMPLED_ROOT, startAttributes: Attributes = { 'db.system.name': 'postgresql', list: ['a', 'b'] }): [ReadableSpan, ReadableSpan] {
  const { sdk, own, exporter } = providers();
  const sdkParent = sdk.getTracer('parent').startSpan('parent', {}, parent);
  for (const tracer of [sdk.getTracer(OWN_SPANS_SCOPE), own.getTracer(OWN_SPANS_SCOPE)]) {
    const span = tracer.startSpan('work', { kind: SpanKind.CLIENT, attributes: startAttributes }, trace.setSpan(ROOT_CONTEXT, sdkParent));
    script(span);
  }
  const [fromSdk, fromOwn] = exporter.getFinishedSpans();
  expect(fromOwn).toBeInstanceOf(RecordedSpan);
  expect(fromSdk).not.toBeInstanceOf(RecordedSpan);
  return [fromSdk!, fromOwn!];
}

describe('what a recorded span exports, against the SDK’s span for the same calls', () => {
  let warnings: jest.SpyInstance;
  beforeEach(() => {
    // Both log calls on ended spans through diag; no logger is registered, so nothing is printed.
    warnings = jest.spyOn(diag, 'warn');
  });
  afterEach(() => warnings.mockRestore());

  it('attributes, name, status, events and links', () => {
    const [fromSdk, fromOwn] = bothWays((span) => {
      span.setAttribute('db.query.text', 'SELECT 1');
      span.setAttributes({ 'server.port': 5432, ok: true, nothing: undefined, '': 'no key', bad: { nested: 1 } as unknown as string });
      span.updateName('SELECT workflows');
      span.addEvent('plain');
      span.addEvent('with attributes', { 'gorax.step': 'shape', n: 2 });
      span.addEvent('with a time', Date.now());
      span.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, attributes: { why: 'retry' } });
      span.addLinks([{ context: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 0 } }]);
      span.setStatus({ code: SpanStatusCode.UNSET });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'broke' });
      span.end();
    });
    expect(exported(fromOwn)).toEqual(exported(fromSdk));
    expect(fromOwn.attributes).toEqual({ 'db.system.name': 'postgresql', list: ['a', 'b'], 'db.query.text': 'SELECT 1', 'server.port': 5432, ok: true });
    expect(fromOwn.resource).toBe(fromSdk.resource);
    expect(fromOwn.instrumentationScope).toBe(fromSdk.instrumentationScope);
    expect(fromOwn.parentSpanContext).toBe(fromSdk.parentSpanContext);
  });

  it.each<[string, Attributes]>([
    ['all valid', { 'http.request.method': 'GET', 'http.route': '/api/v1/workflows/:id', 'server.port': 5432, ok: false, list: [1, 2] }],
    ['one undefined', { a: 'kept', b: undefined, c: 3 }],
    ['one invalid', { a: 'kept', b: { nested: true } as unknown as string }],
    ['an empty key', { '': 'no key', a: 1 }],
    ['more than the limit', Object.fromEntries(Array.from({ length: SPAN_LIMIT + 1 }, (_, i) => [`k${i}`, i]))],
  ])('sets a span’s first attributes (%s) as the SDK does, and more after them', (_what, attributes) => {
    const [fromSdk, fromOwn] = bothWays((span) => {
      span.setAttributes(attributes);
      span.setAttributes({ later: 'yes', a: 'replaced' });
      span.end();
    }, SAMPLED_ROOT, {});
    expect(exported(fromOwn)).toEqual(exported(fromSdk));
    expect(Object.keys(fromOwn.attributes)).toEqual(Object.keys(fromSdk.attributes));
  });

  it('an OK status is final, and a message is kept for ERROR only', () => {
    const [okSdk, okOwn] = bothWays((span) => {
      span.setStatus({ code: SpanStatusCode.OK, message: 'dropped' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
      span.end();
    });
    expect(okOwn.status).toEqual(okSdk.status);
    expect(okOwn.status).toEqual({ code: SpanStatusCode.OK });
  });

  it.each<[string, Exception]>([
    ['an Error', Object.assign(new Error('no luck'), { name: 'StepBroke' })],
    ['an error with a code', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
    ['a string', 'plain text'],
    ['an object with a message', { message: 'only a message' }],
    ['an object with a name', { name: 'OnlyAName' }],
    ['nothing usable', {} as Exception],
  ])('records %s as the SDK does', (_what, exception) => {
    const [fromSdk, fromOwn] = bothWays((span) => {
      span.recordException(exception);
      span.end();
    });
    expect(exported(fromOwn)).toEqual(exported(fromSdk));
  });

  it(`keeps ${SPAN_LIMIT} attributes, events and links, counting what it drops`, () => {
    const many: Attributes = Object.fromEntries(Array.from({ length: SPAN_LIMIT + 5 }, (_, i) => [`key${i}`, i]));
    const [fromSdk, fromOwn] = bothWays((span) => {
      span.setAttributes(many);
      span.setAttribute('key0', 'an existing key is replaced, not dropped');
      for (let i = 0; i < SPAN_LIMIT + 3; i++) span.addEvent(`event${i}`, i === 0 ? many : {});
      for (let i = 0; i < SPAN_LIMIT + 2; i++) span.addLink({ context: { traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), traceFlags: 1 } });
      span.end();
    });
    expect(exported(fromOwn)).toEqual(exported(fromSdk));
    expect(exported(fromOwn).dropped).toEqual([2 + 5, 3, 2]);
    expect(fromOwn.events[0]!.name).toBe('event3');
  });

  it('ignores calls after the end, and a second end', () => {
    const [fromSdk, fromOwn] = bothWays((span) => {
      span.end();
      span.setAttribute('late', 1);
      span.addEvent('late');
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.updateName('late');
      span.end();
    });
    expect(exported(fromOwn)).toEqual(exported(fromSdk));
    expect((fromOwn as RecordedSpan).isRecording()).toBe(false);
  });

  it('takes its times as the SDK does: wall-clock start, monotonic duration, and given end times of every kind', async () => {
    const before = Date.now();
    const [fromSdk, fromOwn] = bothWays((span) => span.end());
    const after = Date.now();
    const millis = ([s, ns]: readonly [number, number]) => s * 1000 + ns / 1e6;
    expect(millis(fromOwn.startTime)).toBeGreaterThanOrEqual(before);
    expect(millis(fromOwn.startTime)).toBeLessThanOrEqual(after);
    expect(fromOwn.duration).toEqual(hrTimeDuration(fromOwn.startTime, fromOwn.endTime));
    expect(millis(fromOwn.duration)).toBeLessThan(1000);
    expect(millis(fromSdk.duration)).toBeLessThan(1000);

    const { sdk, own, exporter } = providers();
    const spans = [sdk.getTracer(OWN_SPANS_SCOPE), own.getTracer(OWN_SPANS_SCOPE)].map((t) => t.startSpan('timed', {}, SAMPLED_ROOT));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const endAt = Date.now() + 5;
    for (const span of spans) span.end(new Date(endAt));
    const [dated, datedOwn] = exporter.getFinishedSpans();
    expect(datedOwn!.endTime).toEqual(dated!.endTime);
    expect(millis(datedOwn!.duration)).toBeGreaterThanOrEqual(25);

    const hr: [number, number] = [Math.floor(endAt / 1000) + 1, 5];
    const withHr = providers();
    for (const tracer of [withHr.sdk.getTracer(OWN_SPANS_SCOPE), withHr.own.getTracer(OWN_SPANS_SCOPE)]) tracer.startSpan('timed', {}, SAMPLED_ROOT).end(hr);
    expect(withHr.exporter.getFinishedSpans().map((span) => span.endTime)).toEqual([hr, hr]);

    // A performance timestamp is a time since the process started, not since 1970: the span ends that long after it
    // started, which is at least the wait below and at most the time since before it started.
    const withPerformance = providers();
    const startedAt = performance.now();
    const started = [withPerformance.sdk.getTracer(OWN_SPANS_SCOPE), withPerformance.own.getTracer(OWN_SPANS_SCOPE)].map((t) => t.startSpan('timed', {}, SAMPLED_ROOT));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const endedAt = performance.now();
    for (const span of started) span.end(endedAt);
    expect(withPerformance.exporter.getFinishedSpans()).toHaveLength(2);
    for (const span of withPerformance.exporter.getFinishedSpans()) {
      expect(millis(span.duration)).toBeGreaterThanOrEqual(15);
      expect(millis(span.duration)).toBeLessThanOrEqual(endedAt - startedAt + 0.001);
    }
  });
});

describe('registered as the services register it', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing()));
  afterAll(() => tracing.stop());

  it('serves our scopes through the global API, and exports their spans with the SDK’s', () => {
    const request = trace.getTracer(REQUEST_SPANS_SCOPE).startSpan('request', { kind: SpanKind.SERVER }, SAMPLED_ROOT);
    context.with(trace.setSpan(LEAN_ROOT_CONTEXT, request), () => {
      trace.getTracer(QUERY_SPANS_SCOPE).startSpan('SELECT workflows', { kind: SpanKind.CLIENT }).end();
      trace.getTracer('another-library').startSpan('library span').end();
    });
    request.end();
    const spans = tracing.exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s instanceof RecordedSpan])).toEqual([
      ['SELECT workflows', true],
      ['library span', false],
      ['request', true],
    ]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(new Set(spans.map((s) => s.resource)).size).toBe(1);
  });
});

describe('registering', () => {
  it('refuses to stand in front of a provider that is not the global one', async () => {
    const first = startInProcessTracing();
    try {
      const { sdk } = providers();
      expect(() => registerWithOwnSpans(sdk, { resource: resourceFromAttributes({}), processors: [] })).toThrow('another OpenTelemetry tracer provider is already registered');
    } finally {
      await first.stop();
    }
  });
});

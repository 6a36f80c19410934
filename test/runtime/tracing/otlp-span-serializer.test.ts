/**
 * Our one-pass OTLP writer against upstream's ProtobufTraceSerializer: the
 * same spans, real ones from the SDK, must give the same bytes, whatever
 * they hold (the API's request and SQL spans, events, links, trace state,
 * every attribute value type, several resources and scopes, batches whose
 * messages need multi-byte lengths).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SPAN_SERIALIZER, serializeSpans } from '../../../lib/runtime/tracing/otlp-span-serializer';

function provider(attributes: Record<string, string>): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { provider: new BasicTracerProvider({ resource: resourceFromAttributes(attributes), spanProcessors: [new SimpleSpanProcessor(exporter)] }), exporter };
}

function expectSameBytes(spans: ReadableSpan[]): Buffer {
  const upstream = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const ours = Buffer.from(serializeSpans(spans));
  expect(ours.toString('hex')).toBe(upstream.toString('hex'));
  return ours;
}

const SQL = 'SELECT id, tenant_id, name, definition, created_at, updated_at FROM workflows WHERE id = $1 AND tenant_id = $2';

/** A request span with its SQL child, as the API records them. */
function apiRequest(tracer: ReturnType<BasicTracerProvider['getTracer']>, sql: ReturnType<BasicTracerProvider['getTracer']>, status: number): void {
  const request = tracer.startSpan('GET /api/v1/workflows/:id', { kind: SpanKind.SERVER });
  request.setAttributes({ 'http.request.method': 'GET', 'http.route': '/api/v1/workflows/:id', 'url.path': '/api/v1/workflows/0b6c5e1e-3f0a-4c43-9b1f-2a9f1d1c7e55' });
  const query = sql.startSpan(
    'SELECT workflows',
    { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'test', 'server.address': '127.0.0.1', 'server.port': 5432, 'db.operation.name': 'SELECT', 'db.collection.name': 'workflows', 'db.query.text': SQL } },
    trace.setSpan(ROOT_CONTEXT, request),
  );
  query.end();
  request.setAttribute('http.response.status_code', status);
  if (status >= 500) request.setStatus({ code: SpanStatusCode.ERROR });
  request.end();
}

it('writes the API request and SQL spans as upstream does, in a batch as large as the batch processor sends', () => {
  const { provider: p, exporter } = provider({ 'service.name': 'gorax-api', 'service.namespace': 'gorax', 'deployment.environment.name': 'production' });
  const http = p.getTracer('gorax-http-server');
  const sql = p.getTracer('gorax-postgresql');
  for (let i = 0; i < 256; i++) apiRequest(http, sql, i % 50 === 0 ? 503 : 200);
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(512);
  // Large enough that the resource and scope messages need three-byte lengths.
  expect(expectSameBytes(spans).length).toBeGreaterThan(0x4000 * 2);
});

it('writes attributes whose values repeat, change and never repeat as upstream does, span after span', () => {
  // Exercises the cache of encoded attributes: a value seen before, one that changes back and forth, a key whose
  // values never repeat (past the number of replacements it is allowed), and a value too large to keep.
  const { provider: p, exporter } = provider({ 'service.name': 'gorax-api' });
  const tracer = p.getTracer('gorax-http-server');
  for (let i = 0; i < 60; i++) {
    const span = tracer.startSpan('GET /api/v1/workflows/:id', { kind: SpanKind.SERVER });
    span.setAttributes({
      'http.request.method': 'GET',
      'http.route': i % 3 === 0 ? '/api/v1/workflows/:id' : '/api/v1/executions/:id',
      'url.path': `/api/v1/workflows/${i}-${'x'.repeat(i)}`,
      'http.response.status_code': i % 7 === 0 ? 503 : 200,
      'large': 'z'.repeat(2000),
    });
    span.end();
  }
  expectSameBytes(exporter.getFinishedSpans());
  expectSameBytes(exporter.getFinishedSpans().slice().reverse());
});

it('writes events, links, trace state, a remote parent, an error status and every attribute value type as upstream does', () => {
  const { provider: p, exporter } = provider({ 'service.name': 'gorax-worker', 'service.instance.id': 'höst-1' });
  const tracer = p.getTracer('gorax-worker', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' });
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=x'),
  });
  const span = tracer.startSpan(
    'execute workflow',
    {
      kind: SpanKind.CONSUMER,
      links: [
        { context: { traceId: 'abcdef0123456789abcdef0123456789', spanId: '0123456789abcdef', traceFlags: TraceFlags.NONE, isRemote: true }, attributes: { 'link.reason': 'retry', attempt: 2 } },
        { context: { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('a=b') } },
      ],
    },
    remoteParent,
  );
  span.setAttributes({
    empty: '',
    ascii: 'workflow-1',
    long: 'x'.repeat(300),
    longer: 'y'.repeat(20_000),
    unicode: 'Grüße, 世界 🚀',
    // Under 128 UTF-16 units, over 127 bytes in UTF-8: the length written after the bytes needs two bytes.
    umlauts: 'ü'.repeat(100),
    'ключ': 'значение',
    loneSurrogate: 'a\ud800b',
    yes: true,
    no: false,
    zero: 0,
    small: 42,
    negative: -7,
    big: 2 ** 40 + 3,
    bigNegative: -(2 ** 40) - 5,
    maxSafe: Number.MAX_SAFE_INTEGER,
    beyondSafe: 2 ** 60,
    double: 1.5,
    negativeDouble: -0.25,
    infinity: Number.POSITIVE_INFINITY,
    strings: ['a', 'ü', ''],
    numbers: [1, 2.5, -3],
    booleans: [true, false],
    withNulls: ['a', null, 'b'],
    emptyArray: [],
  });
  span.addEvent('exception', { 'exception.type': 'StepError', 'exception.message': 'step failed: naïve café', 'exception.stacktrace': 'Error\n    at step (x.js:1:1)\n'.repeat(20) });
  span.addEvent('retry', { attempt: 1 });
  span.addEvent('no attributes');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'step failed' });
  span.end();
  const internal = tracer.startSpan('internal step', { kind: SpanKind.INTERNAL }, trace.setSpan(ROOT_CONTEXT, span));
  internal.setStatus({ code: SpanStatusCode.OK });
  internal.end();
  expectSameBytes(exporter.getFinishedSpans());
});

it('writes values the SDK would not keep (bytes, objects, other types) as upstream does, as a processor could leave them', () => {
  const { provider: p, exporter } = provider({ 'service.name': 'gorax-api' });
  p.getTracer('gorax').startSpan('request').end();
  const [span] = exporter.getFinishedSpans();
  const edited = Object.assign(Object.create(span!) as ReadableSpan, {
    attributes: { bytes: new Uint8Array([0, 1, 255]), object: { nested: 'value', count: 3, deeper: { flag: true } }, bigint: BigInt(5), missing: undefined, fn: () => 1 },
  });
  expectSameBytes([edited]);
});

it('groups spans by resource and scope as upstream does, and writes an empty batch', () => {
  const first = provider({ 'service.name': 'gorax-api' });
  const second = provider({ 'service.name': 'gorax-worker', 'deployment.environment': 'staging' });
  first.provider.getTracer('a').startSpan('one').end();
  second.provider.getTracer('b', '0.1.0').startSpan('two').end();
  first.provider.getTracer('c').startSpan('three').end();
  first.provider.getTracer('a').startSpan('four').end();
  const spans = [...first.exporter.getFinishedSpans(), ...second.exporter.getFinishedSpans()];
  expect(spans).toHaveLength(4);
  expectSameBytes(spans);
  expect(Buffer.from(serializeSpans([])).length).toBe(0);
  expectSameBytes([]);
});

it('reads export responses with upstream’s reader', () => {
  // An ExportTraceServiceResponse with partial_success { rejected_spans: 2, error_message: "x" }.
  const response = Uint8Array.from([0x0a, 0x05, 0x08, 0x02, 0x12, 0x01, 0x78]);
  expect(SPAN_SERIALIZER.deserializeResponse(response)).toEqual(ProtobufTraceSerializer.deserializeResponse(response));
  expect(SPAN_SERIALIZER.deserializeResponse(response).partialSuccess?.rejectedSpans).toBe(2);
});

/** Whatever an instrumentation records, exported spans carry no query, user-info or header. */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { SpanScrubbingProcessor } from '../../../lib/runtime/tracing/span-scrubbing-processor';
import { exporterUrl } from '../../../lib/runtime/tracing/tracing-sdk';
import { redactPath, redactUrl } from '../../../lib/runtime/tracing/url-redaction';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

let tracing: InProcessTracing;
beforeAll(() => (tracing = startInProcessTracing({ before: [new SpanScrubbingProcessor()] })));
afterAll(() => tracing.stop());

it('rewrites URLs and drops query, header and bound-value attributes before export', () => {
  const span = trace.getTracer('test').startSpan('GET');
  span.setAttributes({
    'url.full': 'https://user:pa55@api.example.com/v1/items?token=secret#frag',
    'url.path': '/v1/items?token=secret',
    'url.query': 'token=secret',
    'http.url': 'https://api.example.com/?token=secret',
    'http.target': '/?token=secret',
    'http.request.header.authorization': ['Bearer secret'],
    'http.response.header.set-cookie': ['session=secret'],
    'db.postgresql.values': ['secret'],
    'http.route': '/v1/items',
  });
  span.end();
  const [exported] = tracing.exporter.getFinishedSpans();
  expect(exported!.attributes).toEqual({ 'url.full': 'https://api.example.com/v1/items', 'url.path': '/v1/items', 'http.route': '/v1/items' });
});

it('treats a key the same on every span, also past the keys it remembers', () => {
  const tracer = trace.getTracer('test');
  const endWith = (attributes: Record<string, string>) => {
    const span = tracer.startSpan('keys');
    span.setAttributes(attributes);
    span.end();
    return tracing.exporter.getFinishedSpans().slice(-1)[0]!.attributes;
  };
  const secretKeys = { 'url.query': 'token=secret', 'url.path': '/a?token=secret', 'http.request.header.cookie': 'secret' };
  expect(endWith(secretKeys)).toEqual({ 'url.path': '/a' });
  // More distinct keys than the processor remembers (some of them to be dropped), 100 per span as the SDK's limit allows.
  for (let batch = 0; batch < 6; batch++) {
    const keys = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${i % 2 ? 'custom' : 'messaging.header'}.k${batch}_${i}`, 'v']));
    const kept = endWith(keys);
    expect(Object.keys(kept)).toHaveLength(50);
    expect(Object.keys(kept).every((key) => key.startsWith('custom.'))).toBe(true);
  }
  expect(endWith({ ...secretKeys, 'messaging.header.late': 'secret', 'custom.late': 'kept' })).toEqual({ 'url.path': '/a', 'custom.late': 'kept' });
});

it('scrubs recorded exceptions and the status message, which quote URLs and connection strings', () => {
  const span = trace.getTracer('test').startSpan('step.execute');
  const error = new Error('fetch https://api.example.com/hook?token=s3cret failed; db postgres://gorax:pw@db/gorax down');
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.end();
  const exported = tracing.exporter.getFinishedSpans().find((s) => s.name === 'step.execute')!;
  const text = JSON.stringify({ events: exported.events, status: exported.status });
  expect(text).not.toMatch(/s3cret|gorax:pw/);
  expect(exported.status.message).toBe('fetch https://api.example.com/hook failed; db [redacted-connection-string] down');
  expect(exported.events[0]!.attributes!['exception.message']).toBe(exported.status.message);
});

it('redacts URLs and paths', () => {
  expect(redactUrl('http://a:b@h:81/p?q=1#f')).toBe('http://h:81/p');
  expect(redactUrl('not a url')).toBe('[invalid-url]');
  expect(redactPath('/a/b?c=d')).toBe('/a/b');
  expect(redactPath('/a#x?y')).toBe('/a');
  expect(redactPath('/plain')).toBe('/plain');
});

it('sends plaintext gRPC to a scheme-less TRACING_ENDPOINT (a bare host:port would mean TLS)', () => {
  expect(exporterUrl('otel-collector:4317')).toBe('http://otel-collector:4317');
  expect(exporterUrl('https://collector:4317')).toBe('https://collector:4317');
});

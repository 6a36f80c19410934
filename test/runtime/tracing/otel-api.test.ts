/** otel-api.ts hands out the API's own objects, read once: what is registered later is found through them. */
import * as api from '@opentelemetry/api';
import * as otelApi from '../../../lib/runtime/tracing/otel-api';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

describe('the API values read once', () => {
  it('are the API’s own objects and enums', () => {
    for (const name of ['trace', 'context', 'propagation', 'diag', 'ROOT_CONTEXT', 'createContextKey', 'SpanKind', 'SpanStatusCode', 'TraceFlags'] as const) {
      expect([name, otelApi[name]]).toEqual([name, api[name]]);
      expect(otelApi[name]).toBe(api[name]);
    }
    expect(Object.keys(otelApi).sort()).toEqual(['ROOT_CONTEXT', 'SpanKind', 'SpanStatusCode', 'TraceFlags', 'context', 'createContextKey', 'diag', 'propagation', 'trace']);
  });

  describe('with a provider registered after they were read', () => {
    let tracing: InProcessTracing;
    beforeAll(() => (tracing = startInProcessTracing()));
    afterAll(() => tracing.stop());

    it('reach it: spans started and made active through them are recorded', () => {
      const span = otelApi.trace.getTracer('late').startSpan('after', {}, otelApi.ROOT_CONTEXT);
      const active = otelApi.context.with(otelApi.trace.setSpan(otelApi.ROOT_CONTEXT, span), () => otelApi.trace.getActiveSpan());
      span.end();
      expect(active).toBe(span);
      expect(tracing.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['after']);
    });
  });
});

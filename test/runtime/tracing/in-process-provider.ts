/**
 * A real SDK tracer provider, registered as the services register theirs,
 * inside the Jest process for unit tests of our
 * own spans (those need no require-time patching): spans end up in memory,
 * in the order they end. stop() unregisters everything again.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { serviceSampler } from '../../../lib/runtime/tracing/caller-decided-sampler';
import { registerWithOwnSpans } from '../../../lib/runtime/tracing/own-tracer';

export interface InProcessTracing {
  readonly exporter: InMemorySpanExporter;
  stop(): Promise<void>;
}

export function startInProcessTracing(options: { sampleRate?: number; before?: SpanProcessor[] } = {}): InProcessTracing {
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({ 'service.name': 'in-process' });
  const processors = [...(options.before ?? []), new SimpleSpanProcessor(exporter)];
  const provider = new NodeTracerProvider({ resource, sampler: serviceSampler(options.sampleRate ?? 1), spanProcessors: processors });
  // As the services register theirs (tracing-sdk.ts): our own code's spans come from own-tracer.ts.
  registerWithOwnSpans(provider, { resource, processors });
  return {
    exporter,
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

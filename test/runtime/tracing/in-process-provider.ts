/**
 * A real SDK tracer provider inside the Jest process for unit tests of our
 * own spans (those need no require-time patching): spans end up in memory,
 * in the order they end. stop() unregisters everything again.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { serviceSampler } from '../../../lib/runtime/tracing/caller-decided-sampler';

export interface InProcessTracing {
  readonly exporter: InMemorySpanExporter;
  stop(): Promise<void>;
}

export function startInProcessTracing(options: { sampleRate?: number; before?: SpanProcessor[] } = {}): InProcessTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    sampler: serviceSampler(options.sampleRate ?? 1),
    spanProcessors: [...(options.before ?? []), new SimpleSpanProcessor(exporter)],
  });
  provider.register();
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

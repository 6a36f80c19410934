/**
 * The OpenTelemetry SDK, set up by hand rather than with NodeSDK: NodeSDK
 * pulls every exporter, reads OTEL_* variables and runs resource detectors
 * whose process attributes include the command line (where secrets can be).
 *
 * Required only by preload.ts and only when TRACING_ENABLED=true, so a
 * disabled process loads none of these modules. ioredis and undici are
 * patched when they are required, so this must run before anything requires
 * them. The API's request spans come from its own Fastify hooks
 * (request-spans.ts), PostgreSQL query spans from the pool (query-spans.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { serviceSampler } from './caller-decided-sampler';
import { createSpanExporter } from './otlp-span-exporter';
import { registerWithOwnSpans } from './own-tracer';
import { underRecordingSpanOnly } from './recording-parent-only';
import { SpanScrubbingProcessor } from './span-scrubbing-processor';
import type { TracingHandle } from './tracing-state';
import { redactPath, redactUrl } from './url-redaction';

export interface TracingSettings {
  /** host:port of the OTLP/gRPC collector (TRACING_ENDPOINT). */
  readonly endpoint: string;
  readonly sampleRate: number;
  /** TRACING_SERVICE_NAME; the role is appended (gorax-api, gorax-worker). */
  readonly serviceName: string;
  readonly role: 'api' | 'worker';
  readonly version: string;
  readonly environment: string;
}

/**
 * A scheme-less address makes the gRPC exporter use TLS; TRACING_ENDPOINT is
 * host:port (an in-cluster collector speaks plaintext), so say so explicitly.
 */
export function exporterUrl(endpoint: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
}

export function startTracing(settings: TracingSettings): TracingHandle {
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: `${settings.serviceName}-${settings.role}`,
    [ATTR_SERVICE_NAMESPACE]: settings.serviceName,
    [ATTR_SERVICE_VERSION]: settings.version,
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: settings.environment,
    // The pre-1.27 key, which most dashboards and collectors still match on.
    'deployment.environment': settings.environment,
    [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  });
  // Scrubbing first: it edits attributes before the batch processor takes the span.
  const processors = [new SpanScrubbingProcessor(), new BatchSpanProcessor(createSpanExporter(exporterUrl(settings.endpoint)))];
  const provider = new NodeTracerProvider({ resource, sampler: serviceSampler(settings.sampleRate), spanProcessors: processors });
  // Our own code's sampled spans skip the SDK's per-span machinery (own-tracer.ts); the instrumentations get the SDK's.
  registerWithOwnSpans(provider, {
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    resource,
    processors,
  });

  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new UndiciInstrumentation({
        // undici records url.full with user-info and query, and url.query: replaced before the span starts.
        startSpanHook: (request) => ({
          'url.full': redactUrl(`${request.origin}${request.path}`),
          'url.path': redactPath(request.path),
          'url.query': undefined,
        }),
      }),
      // The default serializer writes every EVALSHA argument, i.e. BullMQ job data: the command name only.
      underRecordingSpanOnly(new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }), [
        'sendCommand',
        'connect',
      ]),
    ],
  });

  let stopped: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        disableInstrumentations();
        await provider.shutdown();
      })()),
  };
}

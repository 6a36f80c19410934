/**
 * Carries the trace across the queue by hand: the API's PRODUCER span
 * injects W3C trace context into the job data, the worker's CONSUMER span
 * extracts it, so enqueue and processing are parent and child in one trace.
 * BullMQ's own telemetry would also do this but adds periodic root traces for
 * its background maintenance (stalled checks) and a second dependency.
 *
 * Only traceparent/tracestate/baggage go into the carrier; never put secrets
 * in baggage, it is stored in Redis and forwarded to action:http targets.
 */
import type { Span } from '@opentelemetry/api';
import { context, propagation, SpanKind } from './otel-api';
import { LEAN_ROOT_CONTEXT } from './span-only-context';
import { withSpan } from './spans';

export type TraceCarrier = Record<string, string>;

export function enqueueTraced<T>(queueName: string, jobId: string, add: (carrier: TraceCarrier) => Promise<T>): Promise<T> {
  return withSpan(
    `${queueName} publish`,
    {
      'messaging.system': 'bullmq',
      'messaging.destination.name': queueName,
      'messaging.operation.type': 'send',
      'messaging.message.id': jobId,
    },
    async () => {
      const carrier: TraceCarrier = {};
      propagation.inject(context.active(), carrier);
      return add(carrier);
    },
    SpanKind.PRODUCER,
  );
}

export function processTraced<T>(
  queueName: string,
  job: { readonly id: string | undefined; readonly attempt: number; readonly carrier: TraceCarrier | undefined },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  // Lean unless the job carries baggage (span-only-context.ts).
  const parent = propagation.extract(LEAN_ROOT_CONTEXT, sanitizeCarrier(job.carrier));
  return context.with(parent, () =>
    withSpan(
      `${queueName} process`,
      {
        'messaging.system': 'bullmq',
        'messaging.destination.name': queueName,
        'messaging.operation.type': 'process',
        'messaging.message.id': job.id ?? '',
        'messaging.bullmq.attempt': job.attempt,
      },
      fn,
      SpanKind.CONSUMER,
    ),
  );
}

/** Job data comes from Redis: only string fields are handed to the propagator. */
function sanitizeCarrier(carrier: unknown): TraceCarrier {
  if (typeof carrier !== 'object' || carrier === null) return {};
  return Object.fromEntries(Object.entries(carrier).filter(([, v]) => typeof v === 'string')) as TraceCarrier;
}

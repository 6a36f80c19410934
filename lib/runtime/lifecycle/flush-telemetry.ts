/**
 * The last step of a clean shutdown, after the servers and the worker are
 * closed: pending spans are exported and pending error reports sent. Both
 * are no-ops when tracing or error reporting is disabled.
 */
import { closeErrorReporting } from '../errors/error-reporting';
import { shutdownTracing } from '../tracing/tracing-state';
import type { Closable } from './signal-shutdown';

export async function flushTelemetry(): Promise<void> {
  await Promise.allSettled([shutdownTracing(), closeErrorReporting()]);
}

/** The service, closed and then flushed: what exitOnSignals should close. */
export function thenFlushTelemetry(service: Closable): Closable {
  return {
    close: async () => {
      try {
        await service.close();
      } finally {
        await flushTelemetry();
      }
    },
  };
}

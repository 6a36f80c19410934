/**
 * SIGTERM/SIGINT handling for bin/api and bin/worker: close the service
 * (readiness 503 first, then drain), exit 0 when done, exit 1 when the grace
 * period runs out first. A second signal does not restart the shutdown.
 */
import type { Logger } from '../logging/logger';

export interface Closable {
  close(): Promise<void>;
}

export function exitOnSignals(service: Closable, options: { readonly logger: Logger; readonly timeoutMs: number }): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    options.logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown grace period exceeded; exiting');
      process.exit(1);
    }, options.timeoutMs);
    deadline.unref();
    service.close().then(
      () => {
        options.logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        options.logger.error({ err: { message: (error as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Uncaught exceptions and unhandled rejections: report at level fatal, flush
 * error reports and pending spans (bounded), then exit 1. One handler for
 * both SDKs, because Sentry's own handlers flush only Sentry and its
 * unhandled-rejection default keeps the process running.
 */
import type { Logger } from '../logging/logger';
import type { SecretScrubber } from '../logging/secret-scrubber';
import { shutdownTracing } from '../tracing/tracing-state';
import { captureFatal, closeErrorReporting } from './error-reporting';

const FLUSH_TIMEOUT_MS = 3000;

export function installFatalErrorHandlers(options: { readonly logger?: Logger; readonly scrub?: SecretScrubber } = {}): void {
  const { logger, scrub = (text: string) => text } = options;
  let handling = false;
  const onFatal = (mechanism: string) => (error: unknown) => {
    if (handling) return;
    handling = true;
    logger?.fatal({ err: { message: scrub(error instanceof Error ? error.message : String(error)) }, mechanism }, 'uncaught error; exiting');
    captureFatal(error, mechanism);
    const deadline = new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref());
    void Promise.race([Promise.allSettled([closeErrorReporting(FLUSH_TIMEOUT_MS - 500), shutdownTracing()]), deadline]).finally(() =>
      process.exit(1),
    );
  };
  process.on('uncaughtException', onFatal('auto.node.onuncaughtexception'));
  process.on('unhandledRejection', onFatal('auto.node.onunhandledrejection'));
}

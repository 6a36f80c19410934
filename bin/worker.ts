/**
 * The worker process (npm run start:worker): configuration from the
 * environment only; an invalid configuration exits 1 before anything listens.
 */
// First: tracing must be set up before pg and ioredis are required.
import '../lib/runtime/tracing/preload-worker';
import { exitOnConfigError } from '../lib/runtime/config/exit-on-config-error';
import { configSecrets } from '../lib/runtime/config/runtime-config';
import { startErrorReporting } from '../lib/runtime/errors/error-reporting';
import { installFatalErrorHandlers } from '../lib/runtime/errors/fatal-error-handlers';
import { thenFlushTelemetry } from '../lib/runtime/lifecycle/flush-telemetry';
import { exitOnSignals } from '../lib/runtime/lifecycle/signal-shutdown';
import { createSecretScrubber } from '../lib/runtime/logging/secret-scrubber';
import { startWorker } from '../lib/runtime/worker/start-worker';

async function main(): Promise<void> {
  const config = exitOnConfigError('worker', process.env);
  startErrorReporting(config, 'worker');
  const worker = await startWorker(config, { waitForStartup: false });
  installFatalErrorHandlers({ logger: worker.logger, scrub: createSecretScrubber(configSecrets(config)) });
  exitOnSignals(thenFlushTelemetry(worker), { logger: worker.logger, timeoutMs: config.shutdownTimeoutMs });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'gorax-worker', msg: 'start failed', err: { message: (error as Error).message } })}\n`);
  process.exit(1);
});

/**
 * The worker process (npm run start:worker): configuration from the
 * environment only; an invalid configuration exits 1 before anything listens.
 */
import { exitOnConfigError } from '../lib/runtime/config/exit-on-config-error';
import { exitOnSignals } from '../lib/runtime/lifecycle/signal-shutdown';
import { startWorker } from '../lib/runtime/worker/start-worker';

async function main(): Promise<void> {
  const config = exitOnConfigError('worker', process.env);
  const worker = await startWorker(config, { waitForStartup: false });
  exitOnSignals(worker, { logger: worker.logger, timeoutMs: config.shutdownTimeoutMs });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'gorax-worker', msg: 'start failed', err: { message: (error as Error).message } })}\n`);
  process.exit(1);
});

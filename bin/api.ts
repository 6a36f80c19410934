/**
 * The API process (npm run start:api): configuration from the environment
 * only; an invalid configuration exits 1 before anything listens.
 */
import { startApi } from '../lib/runtime/api/start-api';
import { exitOnConfigError } from '../lib/runtime/config/exit-on-config-error';
import { exitOnSignals } from '../lib/runtime/lifecycle/signal-shutdown';

async function main(): Promise<void> {
  const config = exitOnConfigError('api', process.env);
  const api = await startApi(config, { waitForStartup: false });
  exitOnSignals(api, { logger: api.logger, timeoutMs: config.shutdownTimeoutMs });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'gorax-api', msg: 'start failed', err: { message: (error as Error).message } })}\n`);
  process.exit(1);
});

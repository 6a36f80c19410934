/**
 * Start-up waits for its dependencies instead of crashing: the step is
 * retried with a growing pause (250 ms to 5 s) until it succeeds or the
 * process starts shutting down. The startup probe answers 503 meanwhile.
 */
import type { Logger } from '../logging/logger';
import type { SecretScrubber } from '../logging/secret-scrubber';

export class StartupAbortedError extends Error {
  constructor() {
    super('start-up aborted by shutdown');
    this.name = 'StartupAbortedError';
  }
}

export async function retryUntilReady<T>(
  what: string,
  step: () => Promise<T>,
  options: { readonly logger: Logger; readonly scrub: SecretScrubber; readonly signal: AbortSignal },
): Promise<T> {
  let pauseMs = 250;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw new StartupAbortedError();
    try {
      return await step();
    } catch (error) {
      options.logger.warn({ attempt, err: { message: options.scrub((error as Error).message) } }, `${what} failed; retrying`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pauseMs);
      options.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    pauseMs = Math.min(pauseMs * 2, 5000);
  }
}

/** Polls an HTTP endpoint until it answers 2xx, failing early when the process behind it exits. */
import type { SupervisedProcess } from './supervised-process';

export async function waitUntilReady(
  url: string,
  options: { timeoutMs?: number; process?: SupervisedProcess; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const what = options.what ?? url;
  let last = 'no answer';
  for (;;) {
    if (options.process && !options.process.running) {
      throw new Error(`${what} exited before it was ready; its last output:\n${options.process.output.slice(-15).join('\n')}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const output = options.process ? `; its last output:\n${options.process.output.slice(-15).join('\n')}` : '';
      throw new Error(`${what} was not ready at ${url} (${last})${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

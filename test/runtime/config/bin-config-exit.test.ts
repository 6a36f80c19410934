/** bin/api and bin/worker stop before listening when the configuration is invalid. */
import { startChild } from '../support/child-service';
import { createTestEnvironment } from '../support/test-environment';

const environment = createTestEnvironment();

it.each([
  ['api', { METRICS_PORT: 'abc' }, 'METRICS_PORT="abc": accepts an integer from 0 to 65535'],
  ['worker', { TRACING_SAMPLE_RATE: '2' }, 'TRACING_SAMPLE_RATE="2": accepts a number from 0 to 1'],
  ['api', { SENTRY_ENABLED: 'true' }, 'SENTRY_DSN: is required when SENTRY_ENABLED=true'],
  ['worker', { WORKER_HEALTH_PORT: '19191', METRICS_PORT: '19191' }, 'WORKER_HEALTH_PORT="19191" and METRICS_PORT="19191": the worker listens on both'],
] as const)('%s exits 1 on %j, naming the variable', async (service, bad, message) => {
  const child = startChild(service, { ...environment.env, ...bad });
  const exit = await child.exited;
  expect(exit).toEqual({ code: 1, signal: null });
  const problem = JSON.parse(child.stderr.join('').trim()) as { level: string; problems: string[] };
  expect(problem.level).toBe('fatal');
  expect(problem.problems).toEqual([expect.stringContaining(message)]);
  expect(child.lines.filter((l) => /listening/.test(String(l.msg)))).toEqual([]);
});

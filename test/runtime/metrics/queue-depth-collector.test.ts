/**
 * The collector against a real, test-owned Redis that the test makes slow
 * (DEBUG SLEEP blocks the server) and then stops: the gauge keeps the last
 * good value and a scrape is never held up.
 */
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { QueueDepthCollector } from '../../../lib/runtime/metrics/queue-depth-collector';
import { ExecutionQueue } from '../../../lib/runtime/queue/execution-queue';
import { parseMetrics, valueOf } from '../support/metrics-text';
import { createOwnedRedis, type OwnedRedis } from '../support/owned-redis';

let redis: OwnedRedis;
let queue: ExecutionQueue;

beforeAll(async () => {
  redis = await createOwnedRedis();
  await redis.start();
  queue = new ExecutionQueue({ redisUrl: redis.url, queueName: 'default', prefix: 'depth-test' });
});

afterAll(async () => {
  await queue.close().catch(() => undefined);
  await redis.destroy();
});

const depth = async (registry: Registry) => valueOf(parseMetrics(await registry.metrics()), 'gorax_queue_depth', { queue: 'default' });

it('reports waiting jobs, then keeps the last good value while Redis is slow or gone', async () => {
  const registry = new Registry();
  const collector = new QueueDepthCollector(registry, queue, { intervalMs: 60_000, timeoutMs: 200, logger: createLogger({ level: 'silent', service: 'api' }) });
  for (const n of [1, 2, 3, 4]) await queue.enqueue({ executionId: `00000000-0000-4000-8000-00000000000${n}`, tenantId: 'acme' });
  // The same execution enqueued twice is one job (jobId = execution id).
  await queue.enqueue({ executionId: '00000000-0000-4000-8000-000000000001', tenantId: 'acme' });

  await collector.collect();
  expect(await depth(registry)).toBe(4);

  // A slow Redis: the server blocks for 1 s; the read times out at 200 ms and the value stays.
  const sleeper = new ExecutionQueue({ redisUrl: redis.url, queueName: 'sleeper', prefix: 'depth-test' });
  const sleeperClient = (await sleeper.queue.client) as unknown as { call(...args: string[]): Promise<unknown> };
  let redisAwake = false;
  const sleeping = sleeperClient.call('DEBUG', 'SLEEP', '2').then(() => (redisAwake = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await collector.collect();
  expect(redisAwake).toBe(false);
  expect(await depth(registry)).toBe(4);
  await sleeping;
  await sleeper.close();

  // Redis gone: still the last good value.
  await redis.stop();
  await collector.collect();
  expect(await depth(registry)).toBe(4);
  expect(collector.value).toBe(4);
  await collector.stop();
});

/**
 * Readiness, liveness, startup and the health gauges against a test-owned
 * redis-server and a test-owned PostgreSQL cluster that the test stops and
 * starts again. The machine's shared services are never touched.
 */
import { type ApiHandle, startApi } from '../../../lib/runtime/api/start-api';
import type { RuntimeConfig } from '../../../lib/runtime/config/runtime-config';
import { ExecutionQueue } from '../../../lib/runtime/queue/execution-queue';
import { startWorker, type WorkerHandle } from '../../../lib/runtime/worker/start-worker';
import { eventually } from '../support/eventually';
import { scrape, valueOf } from '../support/metrics-text';
import { createOwnedPostgres, type OwnedPostgres } from '../support/owned-postgres';
import { createOwnedRedis, type OwnedRedis } from '../support/owned-redis';
import { createTestEnvironment } from '../support/test-environment';

const TIMEOUT_MS = 300;
let redis: OwnedRedis;
let postgres: OwnedPostgres;
let config: RuntimeConfig;
let api: ApiHandle;
let worker: WorkerHandle;
const environment = createTestEnvironment({
  HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
  HEALTH_CACHE_TTL_MS: '100',
  HEALTH_CHECK_INTERVAL_MS: '200',
});

async function probe(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as any };
}

const gauge = async (metricsPort: number, check: string) => valueOf(await scrape(metricsPort), 'gorax_health_check_status', { check });

beforeAll(async () => {
  redis = await createOwnedRedis();
  await redis.start();
  postgres = await createOwnedPostgres();
  postgres.start();
  config = environment.config({ REDIS_URL: redis.url, DATABASE_URL: postgres.url });
  api = await startApi(config);
  worker = await startWorker(config);
});

afterAll(async () => {
  await redis.start().catch(() => undefined);
  postgres.start();
  await worker?.close();
  await api?.close();
  await environment.cleanup();
  await redis.destroy();
  postgres.destroy();
});

it('turns readiness 503 while Redis is down, keeps liveness 200, and recovers', async () => {
  expect((await probe(api.port, '/health/ready')).status).toBe(200);
  expect((await probe(worker.healthPort, '/health/ready')).status).toBe(200);

  await redis.stop();

  for (const [port, metricsPort] of [[api.port, api.metricsPort!], [worker.healthPort, worker.metricsPort!]] as const) {
    const ready = await eventually(async () => {
      const answer = await probe(port, '/health/ready');
      return answer.status === 503 && answer.body.checks.redis.status === 'fail' ? answer : undefined;
    }, { what: 'readiness 503' });
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { database: { status: 'pass' }, redis: { status: 'fail', error: expect.any(String) } } });
    expect(JSON.stringify(ready.body)).not.toContain(redis.url);
    expect((await probe(port, '/health/live')).status).toBe(200);
    await eventually(async () => (await gauge(metricsPort, 'redis')) === 0, { what: 'redis gauge 0' });
  }

  await redis.start();

  for (const [port, metricsPort] of [[api.port, api.metricsPort!], [worker.healthPort, worker.metricsPort!]] as const) {
    await eventually(async () => (await probe(port, '/health/ready')).status === 200, { what: 'readiness to recover' });
    await eventually(async () => (await gauge(metricsPort, 'redis')) === 1, { what: 'redis gauge 1' });
  }
});

it('answers within the check timeout while Redis is alive but stuck', async () => {
  const sleeper = new ExecutionQueue({ redisUrl: redis.url, queueName: 'sleeper', prefix: environment.prefix });
  const client = (await sleeper.queue.client) as unknown as { call(...args: string[]): Promise<unknown> };
  let redisAwake = false;
  const sleeping = client.call('DEBUG', 'SLEEP', '2').then(() => (redisAwake = true));
  try {
    // A probe within the cache TTL of a run that finished after the stall began, but whose Redis check
    // answered just before it, still shows that run's pass; the first run that starts during the stall must
    // fail by its timeout, long before Redis wakes (a probe after the wake ends the wait, and fails below).
    const ready = await eventually(async () => {
      const answer = await probe(api.port, '/health/ready');
      return answer.body.checks.redis?.status === 'fail' || redisAwake ? answer : undefined;
    }, { what: 'readiness during the stall' });
    expect(redisAwake).toBe(false);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis).toMatchObject({ status: 'fail', error: `redis check timed out after ${TIMEOUT_MS} ms` });
  } finally {
    // Even when an expectation fails: a stalled Redis and an open client would fail the next test too.
    await sleeping;
    await sleeper.close();
  }
  await eventually(async () => (await probe(api.port, '/health/ready')).status === 200, { what: 'readiness after the stall' });
});

it('turns readiness 503 while PostgreSQL is down, keeps liveness 200, and recovers', async () => {
  postgres.stop();

  for (const [port, metricsPort] of [[api.port, api.metricsPort!], [worker.healthPort, worker.metricsPort!]] as const) {
    const ready = await eventually(async () => {
      const answer = await probe(port, '/health/ready');
      return answer.status === 503 && answer.body.checks.database.status === 'fail' ? answer : undefined;
    }, { what: 'readiness 503' });
    expect(ready.body.checks.redis.status).toBe('pass');
    expect(JSON.stringify(ready.body)).not.toContain('postgres://');
    expect((await probe(port, '/health/live')).status).toBe(200);
    await eventually(async () => (await gauge(metricsPort, 'database')) === 0, { what: 'database gauge 0' });
  }

  postgres.start();

  for (const [port, metricsPort] of [[api.port, api.metricsPort!], [worker.healthPort, worker.metricsPort!]] as const) {
    await eventually(async () => (await probe(port, '/health/ready')).status === 200, { what: 'readiness to recover' });
    expect(await gauge(metricsPort, 'database')).toBe(1);
  }
});

it('answers startup 503 until migrations ran and connections are up', async () => {
  postgres.stop();
  const late = await startApi(environment.config({ REDIS_URL: redis.url, DATABASE_URL: postgres.url, PORT: '0', METRICS_PORT: '0' }), { waitForStartup: false });
  try {
    expect((await probe(late.port, '/health/startup')).status).toBe(503);
    expect((await probe(late.port, '/health/live')).status).toBe(200);
    expect((await probe(late.port, '/health/ready')).body.status).toBe('starting');
    postgres.start();
    await late.started;
    expect((await probe(late.port, '/health/startup')).body).toEqual({ status: 'ok' });
  } finally {
    await late.close();
  }
});

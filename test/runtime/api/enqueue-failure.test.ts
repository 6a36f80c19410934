/**
 * POST /workflows/:id/executions when the job cannot be enqueued: a
 * test-owned redis-server is stopped under the running API. The answer is a
 * 503 (never a 202 for work nothing will run) and the execution row is
 * failed, not left pending where no alert can see it.
 */
import { Pool } from 'pg';
import { type ApiHandle, startApi } from '../../../lib/runtime/api/start-api';
import { ENQUEUE_FAILED } from '../../../lib/runtime/api/routes/execution-routes';
import { apiClient, type ApiClient } from '../support/api-client';
import { eventually } from '../support/eventually';
import { collectLogs } from '../support/log-lines';
import { createOwnedRedis, type OwnedRedis } from '../support/owned-redis';
import { createTestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

// The shared PostgreSQL trusts loopback: the password is ignored there but must never reach a log line.
const SECRET = 'pw-enqueue-7c1e';
const environment = createTestEnvironment({ DATABASE_URL: `postgres://postgres:${SECRET}@127.0.0.1:5432/test`, LOG_LEVEL: 'info' });
const logs = collectLogs();
let redis: OwnedRedis;
let api: ApiHandle;
let acme: ApiClient;
let pool: Pool;

async function executionsOf(workflowId: string) {
  const result = await pool.query<{ id: string; status: string; error: string | null }>(
    `SELECT id, status, error FROM ${environment.schema}.executions WHERE workflow_id = $1 ORDER BY created_at`,
    [workflowId],
  );
  return result.rows;
}

beforeAll(async () => {
  redis = await createOwnedRedis();
  await redis.start();
  api = await startApi(environment.config({ REDIS_URL: redis.url }), { logDestination: logs });
  acme = apiClient(api.port, 'acme');
  pool = new Pool({ connectionString: environment.env.DATABASE_URL });
});

afterAll(async () => {
  await redis.start().catch(() => undefined);
  await api?.close();
  await pool?.end();
  await environment.cleanup();
  await redis?.destroy();
});

it('answers 503 and fails the execution when Redis is down, then accepts again once it is back', async () => {
  const created = await acme.createWorkflow(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }));
  expect(created.status).toBe(201);
  const workflowId = created.body.id as string;

  await redis.stop();
  const refused = await acme.execute(workflowId, { n: 1 });

  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ statusCode: 503, message: 'the queue is unavailable; try again later' });
  const [row, ...others] = await executionsOf(workflowId);
  expect(others).toEqual([]);
  expect(row).toMatchObject({ status: 'failed', error: ENQUEUE_FAILED });
  expect((await acme.getExecution(row!.id)).body).toMatchObject({ status: 'failed', error: ENQUEUE_FAILED });
  const logged = logs.lines.find((line) => line.msg === 'enqueue failed');
  expect(logged).toMatchObject({ level: 'error', executionId: row!.id, err: { message: expect.any(String) } });
  expect(logs.raw.join('')).not.toContain(SECRET);

  await redis.start();
  const accepted = await eventually(async () => {
    const answer = await acme.execute(workflowId, { n: 2 });
    return answer.status === 202 ? answer : undefined;
  }, { what: 'a 202 once Redis is back' });
  expect(accepted.body).toMatchObject({ status: 'pending' });
});

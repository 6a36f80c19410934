/**
 * The orphan sweeper against the real PostgreSQL (own schema) and Redis (own
 * queue prefix): a pending execution whose API died between the insert and
 * the enqueue is failed and counted; queued and young ones are left alone.
 */
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { WorkflowExecutor } from '../../../lib/runtime/executor/workflow-executor';
import { createStepHandlers, type StepHandlerSet } from '../../../lib/runtime/executor/steps';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { createProcessRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { WorkflowMetrics } from '../../../lib/runtime/metrics/workflow-metrics';
import { ExecutionQueue } from '../../../lib/runtime/queue/execution-queue';
import { createDatabasePool } from '../../../lib/runtime/storage/database-pool';
import { ExecutionRepository } from '../../../lib/runtime/storage/execution-repository';
import { runMigrations } from '../../../lib/runtime/storage/migrator';
import { WorkflowRepository } from '../../../lib/runtime/storage/workflow-repository';
import { parseWorkflowDefinition } from '../../../lib/runtime/workflow/workflow-definition';
import { ORPHAN_REASON, OrphanedExecutionSweeper } from '../../../lib/runtime/worker/orphaned-execution-sweeper';
import { eventually } from '../support/eventually';
import { parseMetrics, valueOf } from '../support/metrics-text';
import { createTestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

const TENANT = 'acme';
const AGE_MS = 60_000;
const environment = createTestEnvironment();
const logger = createLogger({ level: 'silent', service: 'worker' });
let pool: Pool;
let queue: ExecutionQueue;
let registry: Registry;
let executions: ExecutionRepository;
let steps: StepHandlerSet;
let executor: WorkflowExecutor;
let workflowId: string;

function sweeper(intervalMs = 60_000) {
  return new OrphanedExecutionSweeper({ executions, queue, executor, logger, intervalMs, orphanAgeMs: AGE_MS, batchSize: 100 });
}

/** A pending row as the API leaves it when it dies before the enqueue; `ageMs` back-dates it. */
async function pendingExecution(ageMs: number) {
  const execution = await executions.create(TENANT, workflowId, {});
  await pool.query(`UPDATE executions SET created_at = now() - make_interval(secs => $2::double precision / 1000) WHERE id = $1`, [execution.id, ageMs]);
  return execution.id;
}

async function failedCount(): Promise<number | undefined> {
  return valueOf(parseMetrics(await registry.metrics()), 'gorax_workflow_executions_total', { tenant_id: TENANT, workflow_id: workflowId, status: 'failed' });
}

beforeAll(async () => {
  const config = environment.config();
  pool = createDatabasePool({ databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  await runMigrations(pool, config.databaseSchema);
  queue = new ExecutionQueue({ redisUrl: config.redisUrl, queueName: config.queueName, prefix: config.queuePrefix });
  registry = createProcessRegistry();
  executions = new ExecutionRepository(pool);
  steps = createStepHandlers({ allowPrivate: true });
  executor = new WorkflowExecutor({ executions, handlers: steps.handlers, metrics: new WorkflowMetrics(registry, 100), logger, scrub: (s) => s });
  const parsed = parseWorkflowDefinition(chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  workflowId = (await new WorkflowRepository(pool).create(TENANT, 'w', parsed.definition)).id;
});

afterAll(async () => {
  await steps.close();
  await queue.close();
  await pool.end();
  await environment.cleanup();
});

it('fails and counts an old pending execution that has no job, and leaves queued and young ones alone', async () => {
  const orphan = await pendingExecution(10 * AGE_MS);
  const queued = await pendingExecution(10 * AGE_MS);
  await queue.enqueue({ executionId: queued, tenantId: TENANT });
  const young = await pendingExecution(0);

  await expect(sweeper().sweep()).resolves.toBe(1);

  expect(await executions.findById(TENANT, orphan)).toMatchObject({ status: 'failed', error: ORPHAN_REASON });
  expect(await executions.findById(TENANT, queued)).toMatchObject({ status: 'pending', error: null });
  expect(await executions.findById(TENANT, young)).toMatchObject({ status: 'pending', error: null });
  expect(await failedCount()).toBe(1);

  // Another sweep (or another worker's) ends nothing twice.
  await expect(sweeper().sweep()).resolves.toBe(0);
  expect(await failedCount()).toBe(1);
  await queue.queue.remove(queued);
  await executions.finishUnended(queued, 'test cleanup', new Date());
  await executions.finishUnended(young, 'test cleanup', new Date());
});

it('sweeps on its interval once started, until stopped', async () => {
  const orphan = await pendingExecution(10 * AGE_MS);
  const running = sweeper(100);
  running.start();
  try {
    await eventually(async () => (await executions.findById(TENANT, orphan))?.status === 'failed', { what: 'the orphan to be failed' });
  } finally {
    await running.stop();
  }
  expect(await executions.findById(TENANT, orphan)).toMatchObject({ status: 'failed', error: ORPHAN_REASON });
});

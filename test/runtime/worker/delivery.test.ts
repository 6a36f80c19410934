/**
 * At-least-once delivery with real processes: a worker that gets SIGTERM
 * finishes its running executions and exits 0; a worker killed with SIGKILL
 * mid-execution leaves a job that another worker picks up (BullMQ's stalled
 * check, with short lock and stalled intervals) and finishes; a job
 * delivered again for a finished execution changes nothing.
 */
import { Job } from 'bullmq';
import { type ApiHandle, startApi } from '../../../lib/runtime/api/start-api';
import { EXECUTION_JOB_NAME } from '../../../lib/runtime/queue/execution-job';
import { ExecutionQueue } from '../../../lib/runtime/queue/execution-queue';
import { startWorker, type WorkerHandle } from '../../../lib/runtime/worker/start-worker';
import { apiClient, type ApiClient } from '../support/api-client';
import { type ChildService, startChild } from '../support/child-service';
import { eventually } from '../support/eventually';
import { scrape, valueOf } from '../support/metrics-text';
import { createTestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

const environment = createTestEnvironment({
  WORKER_LOCK_DURATION_MS: '1000',
  WORKER_STALLED_INTERVAL_MS: '500',
  WORKER_CONCURRENCY: '2',
  LOG_LEVEL: 'info',
});
let api: ApiHandle;
let acme: ApiClient;
const children: ChildService[] = [];
let worker: WorkerHandle | undefined;

function slowWorkflow(ms: number) {
  return chain(
    { id: 'before', type: 'action:transform', config: { expression: '{"n": input.n}' } },
    { id: 'wait', type: 'control:delay', config: { ms } },
    { id: 'after', type: 'action:transform', config: { expression: '{"done": steps.before.n}' } },
  );
}

/**
 * Until the step's attempt has begun: the executor marks a step running, then records the attempt, then runs it.
 * Killing a worker between the first two (which "running" alone allowed) is a delivery that never attempted the step.
 */
async function waitUntilStepRunning(executionId: string, nodeId: string) {
  await eventually(async () => {
    const { body } = await acme.getExecution(executionId);
    return body.status === 'running' && body.steps.some((s: any) => s.nodeId === nodeId && s.status === 'running' && s.attempts >= 1);
  }, { what: `${nodeId} running in ${executionId}` });
}

async function execution(id: string) {
  return (await acme.getExecution(id)).body;
}

beforeAll(async () => {
  api = await startApi(environment.config());
  acme = apiClient(api.port, 'acme');
});

afterAll(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
    await child.exited;
  }
  await worker?.close();
  await api?.close();
  await environment.cleanup();
});

it('finishes the running executions on SIGTERM, then exits 0', async () => {
  const child = startChild('worker', environment.env);
  children.push(child);
  await child.waitForLog('worker started');
  const workflowId = (await acme.createWorkflow(slowWorkflow(1500))).body.id;
  const ids = [(await acme.execute(workflowId, { n: 1 })).body.id, (await acme.execute(workflowId, { n: 2 })).body.id];
  for (const id of ids) await waitUntilStepRunning(id, 'wait');

  child.kill('SIGTERM');
  const exit = await child.exited;

  expect(exit).toEqual({ code: 0, signal: null });
  expect(child.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'worker closed', 'shut down cleanly']));
  for (const id of ids) {
    const body = await execution(id);
    expect(body).toMatchObject({ status: 'completed', deliveries: 1 });
    expect(body.steps.map((s: any) => [s.nodeId, s.status])).toEqual([
      ['start', 'completed'],
      ['before', 'completed'],
      ['wait', 'completed'],
      ['after', 'completed'],
    ]);
  }
});

it('lets another worker finish an execution whose worker was SIGKILLed mid-run', async () => {
  const child = startChild('worker', environment.env);
  children.push(child);
  await child.waitForLog('worker started');
  const workflowId = (await acme.createWorkflow(slowWorkflow(2000))).body.id;
  const id = (await acme.execute(workflowId, { n: 7 })).body.id;
  await waitUntilStepRunning(id, 'wait');

  child.kill('SIGKILL');
  expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect((await execution(id)).status).toBe('running');

  worker = await startWorker(environment.config());
  const finished = await eventually(async () => {
    const body = await execution(id);
    return body.status === 'completed' ? body : undefined;
  }, { what: 'the second worker to finish the execution', timeoutMs: 30_000 });

  // Completed steps were kept; the interrupted delay was redone (attempts counts both deliveries).
  expect(finished.deliveries).toBe(2);
  expect(finished.steps.map((s: any) => [s.nodeId, s.status, s.attempts])).toEqual([
    ['start', 'completed', 1],
    ['before', 'completed', 1],
    ['wait', 'completed', 2],
    ['after', 'completed', 1],
  ]);
  expect(finished.steps[3].output).toEqual({ done: 7 });
  const samples = await scrape(worker.metricsPort!);
  expect(valueOf(samples, 'gorax_workflow_executions_total', { workflow_id: workflowId, status: 'completed' })).toBe(1);
  expect(valueOf(samples, 'gorax_workflow_executions_in_progress')).toBe(0);
});

it('does not run a completed execution again when its job is delivered twice', async () => {
  if (!worker) worker = await startWorker(environment.config());
  const workflowId = (await acme.createWorkflow(slowWorkflow(1))).body.id;
  const id = (await acme.execute(workflowId, { n: 3 })).body.id;
  const done = await eventually(async () => {
    const body = await execution(id);
    return body.status === 'completed' ? body : undefined;
  }, { what: 'first run' });
  const counted = valueOf(await scrape(worker.metricsPort!), 'gorax_workflow_executions_total', { workflow_id: workflowId, status: 'completed' });

  // A second delivery of the same execution (a job the queue hands out again).
  const queue = new ExecutionQueue({ redisUrl: environment.env.REDIS_URL!, queueName: 'default', prefix: environment.prefix });
  try {
    const duplicate = await queue.queue.add(EXECUTION_JOB_NAME as never, { executionId: id, tenantId: 'acme' } as never, { jobId: `${id}-again` });
    const processed = await eventually(async () => {
      const job = await Job.fromId(queue.queue, duplicate.id!);
      return job && (await job.getState()) === 'completed' ? job : undefined;
    }, { what: 'the duplicate job to be processed' });
    expect(processed.returnvalue).toBe('not-claimed');
  } finally {
    await queue.close();
  }

  expect(await execution(id)).toEqual(done);
  expect(valueOf(await scrape(worker.metricsPort!), 'gorax_workflow_executions_total', { workflow_id: workflowId, status: 'completed' })).toBe(counted);
});

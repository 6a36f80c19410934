/**
 * The executor against the real PostgreSQL (own schema) and a real HTTP
 * server on loopback: order, branches, retries, failures, persistence and
 * metrics, and what a second delivery of the same execution does.
 */
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { WorkflowExecutor } from '../../../lib/runtime/executor/workflow-executor';
import { createStepHandlers, type StepHandlerSet } from '../../../lib/runtime/executor/steps';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { createSecretScrubber } from '../../../lib/runtime/logging/secret-scrubber';
import { createProcessRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { WorkflowMetrics } from '../../../lib/runtime/metrics/workflow-metrics';
import { createDatabasePool } from '../../../lib/runtime/storage/database-pool';
import { ExecutionRepository } from '../../../lib/runtime/storage/execution-repository';
import { runMigrations } from '../../../lib/runtime/storage/migrator';
import { WorkflowRepository } from '../../../lib/runtime/storage/workflow-repository';
import { parseWorkflowDefinition, type WorkflowDefinition } from '../../../lib/runtime/workflow/workflow-definition';
import { eventually } from '../support/eventually';
import { startHttpTarget, type HttpTarget } from '../support/http-target';
import { collectLogs } from '../support/log-lines';
import { parseMetrics, valueOf } from '../support/metrics-text';
import { createTestEnvironment } from '../support/test-environment';
import { chain, definition } from '../support/workflows';

const TENANT = 'acme';
const environment = createTestEnvironment();
let pool: Pool;
let target: HttpTarget;
let registry: Registry;
let executions: ExecutionRepository;
let workflows: WorkflowRepository;
let steps: StepHandlerSet;
let executor: WorkflowExecutor;
let workflowMetrics: WorkflowMetrics;
const logger = createLogger({ level: 'silent', service: 'worker' });

function parsed(input: unknown): WorkflowDefinition {
  const result = parseWorkflowDefinition(input);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.definition;
}

async function newExecution(def: unknown, input: unknown = {}) {
  const workflow = await workflows.create(TENANT, 'w', parsed(def));
  const execution = await executions.create(TENANT, workflow.id, input);
  return { workflow, execution };
}

async function metrics() {
  return parseMetrics(await registry.metrics());
}

beforeAll(async () => {
  const config = environment.config();
  pool = createDatabasePool({ databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  await runMigrations(pool, config.databaseSchema);
  target = await startHttpTarget();
  registry = createProcessRegistry();
  executions = new ExecutionRepository(pool);
  workflows = new WorkflowRepository(pool);
  steps = createStepHandlers({ allowPrivate: true });
  workflowMetrics = new WorkflowMetrics(registry, 100);
  executor = new WorkflowExecutor({
    executions,
    handlers: steps.handlers,
    metrics: workflowMetrics,
    logger,
    scrub: createSecretScrubber([config.databaseUrl]),
  });
});

afterAll(async () => {
  await steps.close();
  await target.close();
  await pool.end();
  await environment.cleanup();
});

describe('WorkflowExecutor', () => {
  it('runs the graph in dependency order, takes the condition branch and persists every step', async () => {
    const { workflow, execution } = await newExecution(
      definition(
        [
          { id: 'fetch', type: 'action:http', config: { method: 'POST', url: `${target.url}/ok`, body: { n: 1 } } },
          { id: 'big', type: 'control:condition', config: { expression: 'input.amount > 100' } },
          { id: 'approve', type: 'action:transform', config: { expression: '{"approved": input.amount, "from": steps.fetch.body.path}' } },
          { id: 'review', type: 'control:delay', config: { ms: 1 } },
        ],
        [
          { source: 'start', target: 'fetch' },
          { source: 'fetch', target: 'big' },
          { source: 'big', target: 'approve', branch: 'true' },
          { source: 'big', target: 'review', branch: 'false' },
        ],
      ),
      { amount: 250 },
    );

    const result = await executor.run(execution.id);

    expect(result).toEqual({ kind: 'finished', status: 'completed', error: null });
    const stored = await executions.findById(TENANT, execution.id);
    expect(stored).toMatchObject({ status: 'completed', error: null, deliveries: 1 });
    expect(stored!.finishedAt).not.toBeNull();
    const results = await executions.listSteps(execution.id);
    expect(results.map((s) => [s.nodeId, s.status, s.attempts])).toEqual([
      ['start', 'completed', 1],
      ['fetch', 'completed', 1],
      ['big', 'completed', 1],
      ['approve', 'completed', 1],
      ['review', 'skipped', 0],
    ]);
    expect(results.find((s) => s.nodeId === 'approve')!.output).toEqual({ approved: 250, from: '/ok' });
    expect(target.requests.filter((r) => r.path === '/ok').map((r) => JSON.parse(r.body))).toContainEqual({ n: 1 });

    const samples = await metrics();
    const ids = { tenant_id: TENANT, workflow_id: workflow.id };
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...ids, status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...ids, step_type: 'action:http', status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...ids, step_type: 'control:delay', status: 'completed' })).toBeUndefined();
    expect(valueOf(samples, 'gorax_step_execution_duration_seconds_count', { ...ids, step_type: 'control:condition' })).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_executions_in_progress')).toBe(0);
  });

  it('retries a node with backoff and counts its attempts', async () => {
    target.failFlaky(2);
    const { execution } = await newExecution(
      chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${target.url}/flaky` }, retry: { maxAttempts: 3, backoffMs: 5 } }),
    );
    const before = target.requests.filter((r) => r.path === '/flaky').length;

    await expect(executor.run(execution.id)).resolves.toMatchObject({ status: 'completed' });

    expect(target.requests.filter((r) => r.path === '/flaky').length - before).toBe(3);
    const call = (await executions.listSteps(execution.id)).find((s) => s.nodeId === 'call')!;
    expect(call).toMatchObject({ status: 'completed', attempts: 3, error: null });
  });

  it('fails the execution on a 500 answer, recording the error, and stops there', async () => {
    const { workflow, execution } = await newExecution(
      chain(
        { id: 'call', type: 'action:http', config: { method: 'GET', url: `${target.url}/fail?token=abc` } },
        { id: 'after', type: 'control:delay', config: { ms: 1 } },
      ),
    );

    const result = await executor.run(execution.id);

    expect(result).toMatchObject({ kind: 'finished', status: 'failed' });
    const stored = await executions.findById(TENANT, execution.id);
    expect(stored!.status).toBe('failed');
    expect(stored!.error).toBe(`step "call" (action:http) failed: GET ${target.url}/fail answered 500`);
    const results = await executions.listSteps(execution.id);
    expect(results.map((s) => [s.nodeId, s.status])).toEqual([
      ['start', 'completed'],
      ['call', 'failed'],
    ]);
    expect(results[1]!.error).toBe(`GET ${target.url}/fail answered 500`);
    const samples = await metrics();
    const ids = { tenant_id: TENANT, workflow_id: workflow.id };
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...ids, status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...ids, status: 'completed' })).toBe(0);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...ids, step_type: 'action:http', status: 'failed' })).toBe(1);
  });

  it('does nothing when a finished execution is delivered again', async () => {
    const { workflow, execution } = await newExecution(chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${target.url}/ok` } }));
    await executor.run(execution.id);
    const requests = target.requests.length;
    const stepsBefore = await executions.listSteps(execution.id);

    await expect(executor.run(execution.id)).resolves.toEqual({ kind: 'not-claimed' });

    expect(target.requests.length).toBe(requests);
    expect(await executions.listSteps(execution.id)).toEqual(stepsBefore);
    expect(await executions.findById(TENANT, execution.id)).toMatchObject({ status: 'completed', deliveries: 1 });
    const samples = await metrics();
    expect(valueOf(samples, 'gorax_workflow_executions_total', { tenant_id: TENANT, workflow_id: workflow.id, status: 'completed' })).toBe(1);
  });

  it('on redelivery of an interrupted execution keeps completed steps and redoes the interrupted one', async () => {
    const { execution } = await newExecution(
      chain(
        { id: 'first', type: 'action:http', config: { method: 'GET', url: `${target.url}/first` } },
        { id: 'second', type: 'action:http', config: { method: 'GET', url: `${target.url}/second` } },
      ),
    );
    // The first delivery: claimed, trigger and `first` done, `second` started, then the worker died.
    const crashedAt = new Date(Date.now() - 10_000);
    await executions.claim(execution.id, crashedAt);
    for (const [nodeId, type] of [['start', 'trigger:manual'], ['first', 'action:http']] as const) {
      await executions.startStep(execution.id, nodeId, type, crashedAt);
      await executions.finishStep(execution.id, nodeId, { status: 'completed', attempts: 1, durationMs: 1, output: { from: 'earlier delivery' }, error: null }, crashedAt);
    }
    await executions.startStep(execution.id, 'second', 'action:http', crashedAt);
    await executions.recordStepAttempt(execution.id, 'second', 1);

    await expect(executor.run(execution.id)).resolves.toMatchObject({ status: 'completed' });

    expect(target.requests.filter((r) => r.path === '/first')).toHaveLength(0);
    expect(target.requests.filter((r) => r.path === '/second')).toHaveLength(1);
    const results = await executions.listSteps(execution.id);
    expect(results.map((s) => [s.nodeId, s.status, s.attempts])).toEqual([
      ['start', 'completed', 1],
      ['first', 'completed', 1],
      ['second', 'completed', 2],
    ]);
    expect(results[1]!.output).toEqual({ from: 'earlier delivery' });
    const stored = await executions.findById(TENANT, execution.id);
    expect(stored).toMatchObject({ status: 'completed', deliveries: 2, startedAt: crashedAt.toISOString() });
  });

  it('measures the workflow duration from the execution start, across deliveries', async () => {
    const { workflow, execution } = await newExecution(chain({ id: 'quick', type: 'control:delay', config: { ms: 1 } }));
    await executions.claim(execution.id, new Date(Date.now() - 20_000));

    await executor.run(execution.id);

    const samples = await metrics();
    const ids = { tenant_id: TENANT, workflow_id: workflow.id };
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_count', ids)).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_sum', ids)).toBeGreaterThanOrEqual(20);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_bucket', { ...ids, le: '10' })).toBe(0);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_bucket', { ...ids, le: '30' })).toBe(1);
    // The step itself was quick: its own histogram says so.
    expect(valueOf(samples, 'gorax_step_execution_duration_seconds_bucket', { ...ids, step_type: 'control:delay', le: '0.5' })).toBe(1);
  });

  it('refuses loopback targets unless private addresses are allowed, without retrying', async () => {
    const guarded = createStepHandlers({ allowPrivate: false });
    const strict = new WorkflowExecutor({ executions, handlers: guarded.handlers, metrics: undefined, logger, scrub: (s) => s });
    try {
      for (const url of [`${target.url}/ok`, `http://localhost:${new URL(target.url).port}/ok`, `http://[::ffff:127.0.0.1]:${new URL(target.url).port}/ok`]) {
        const { execution } = await newExecution(
          chain({ id: 'call', type: 'action:http', config: { method: 'GET', url }, retry: { maxAttempts: 3, backoffMs: 1 } }),
        );
        const requests = target.requests.length;
        await expect(strict.run(execution.id)).resolves.toMatchObject({ status: 'failed' });
        const call = (await executions.listSteps(execution.id)).find((s) => s.nodeId === 'call')!;
        expect(call.attempts).toBe(1);
        expect(call.error).toMatch(/refused: .*(loopback).*HTTP_ACTION_ALLOW_PRIVATE=true/);
        expect(target.requests.length).toBe(requests);
      }
    } finally {
      await guarded.close();
    }
  });

  it('logs no "execution finished" and counts nothing more when the execution was ended elsewhere while this delivery ran', async () => {
    const logs = collectLogs();
    const observed = new WorkflowExecutor({
      executions,
      handlers: steps.handlers,
      metrics: workflowMetrics,
      logger: createLogger({ level: 'info', service: 'worker', destination: logs }),
      scrub: (s) => s,
    });
    const { workflow, execution } = await newExecution(chain({ id: 'wait', type: 'control:delay', config: { ms: 60_000 } }));
    const stop = new AbortController();
    const running = observed.run(execution.id, stop.signal);
    await eventually(async () => (await executions.listSteps(execution.id)).some((s) => s.nodeId === 'wait' && s.status === 'running'), {
      what: 'the delay step running',
    });
    // Meanwhile the job is given up (the failed-job handler) and the row ends failed.
    await expect(observed.abandon(execution.id, TENANT, 'given up elsewhere')).resolves.toBe(true);
    stop.abort();

    await expect(running).resolves.toMatchObject({ kind: 'finished', status: 'failed' });

    const mine = logs.lines.filter((line) => line.executionId === execution.id);
    expect(mine.map((line) => line.msg)).not.toContain('execution finished');
    expect(mine).toContainEqual(
      expect.objectContaining({ level: 'warn', status: 'failed', msg: "execution had already ended; this delivery's outcome was not recorded" }),
    );
    expect(await executions.findById(TENANT, execution.id)).toMatchObject({ status: 'failed', error: 'given up elsewhere' });
    // Counted once, by the abandon that ended it.
    const samples = await metrics();
    expect(valueOf(samples, 'gorax_workflow_executions_total', { tenant_id: TENANT, workflow_id: workflow.id, status: 'failed' })).toBe(1);
  });

  it('fails a transform whose expression never ends, at once and without retrying', async () => {
    const { execution } = await newExecution(
      chain({
        id: 'spin',
        type: 'action:transform',
        config: { expression: '($loop := function($i) { $loop($i + 1) }; $loop(0))' },
        retry: { maxAttempts: 3, backoffMs: 1 },
      }),
    );
    await expect(executor.run(execution.id)).resolves.toMatchObject({ status: 'failed' });
    const spin = (await executions.listSteps(execution.id)).find((s) => s.nodeId === 'spin')!;
    expect(spin).toMatchObject({ status: 'failed', attempts: 1 });
    expect(spin.error).toMatch(/^expression exceeded its time limit of \d+ ms/);
    expect((await executions.findById(TENANT, execution.id))!.error).toContain('step "spin" (action:transform) failed: expression exceeded its time limit');
  });

  it('fails a condition that does not yield a boolean', async () => {
    const { execution } = await newExecution(
      definition(
        [
          { id: 'c', type: 'control:condition', config: { expression: 'input.missing' } },
          { id: 'x', type: 'control:delay', config: { ms: 1 } },
        ],
        [
          { source: 'start', target: 'c' },
          { source: 'c', target: 'x', branch: 'true' },
        ],
      ),
    );
    await expect(executor.run(execution.id)).resolves.toMatchObject({ status: 'failed' });
    expect((await executions.findById(TENANT, execution.id))!.error).toContain('condition must evaluate to true or false, got null');
  });
});

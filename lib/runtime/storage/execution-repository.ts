/**
 * Executions and their step results in PostgreSQL. The execution row's
 * status is what makes delivery idempotent: `claim` moves it to running only
 * from pending or running, so a completed or failed execution is never run
 * again, however often its job is delivered.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { StepType } from '../../catalog/step-types';
import type { WorkflowDefinition } from '../workflow/workflow-definition';
import { isUuid } from './workflow-repository';

export type ExecutionStatus = 'pending' | 'running' | 'completed' | 'failed';
export type StepStatus = 'running' | 'completed' | 'failed' | 'skipped';

export interface StepResult {
  readonly nodeId: string;
  readonly type: StepType;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly durationMs: number | null;
  readonly output: unknown;
  readonly error: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface Execution {
  readonly id: string;
  readonly tenantId: string;
  readonly workflowId: string;
  readonly status: ExecutionStatus;
  readonly triggerType: string;
  readonly input: unknown;
  readonly error: string | null;
  readonly deliveries: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** A claimed execution with what the executor needs to run it. */
export interface ClaimedExecution extends Execution {
  readonly definition: WorkflowDefinition;
  /** When the first delivery started: the workflow duration runs from here. */
  readonly startedAtMs: number;
}

interface ExecutionRow {
  id: string;
  tenant_id: string;
  workflow_id: string;
  status: ExecutionStatus;
  trigger_type: string;
  input: unknown;
  error: string | null;
  deliveries: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface StepRow {
  node_id: string;
  node_type: StepType;
  status: StepStatus;
  attempts: number;
  duration_ms: number | null;
  output: unknown;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

const EXECUTION_COLUMNS =
  'id, tenant_id, workflow_id, status, trigger_type, input, error, deliveries, created_at, started_at, finished_at';

function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    workflowId: row.workflow_id,
    status: row.status,
    triggerType: row.trigger_type,
    input: row.input,
    error: row.error,
    deliveries: row.deliveries,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function toStep(row: StepRow): StepResult {
  return {
    nodeId: row.node_id,
    type: row.node_type,
    status: row.status,
    attempts: row.attempts,
    durationMs: row.duration_ms,
    output: row.output,
    error: row.error,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** jsonb parameters: undefined becomes SQL NULL, everything else JSON text. */
function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export class ExecutionRepository {
  constructor(private readonly pool: Pool) {}

  async create(tenantId: string, workflowId: string, input: unknown, triggerType = 'manual'): Promise<Execution> {
    const result = await this.pool.query<ExecutionRow>(
      `INSERT INTO executions (id, tenant_id, workflow_id, status, trigger_type, input)
       VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING ${EXECUTION_COLUMNS}`,
      [randomUUID(), tenantId, workflowId, triggerType, json(input ?? {})],
    );
    return toExecution(result.rows[0]!);
  }

  async findById(tenantId: string, id: string): Promise<Execution | undefined> {
    if (!isUuid(id)) return undefined;
    const result = await this.pool.query<ExecutionRow>(
      `SELECT ${EXECUTION_COLUMNS} FROM executions WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return result.rows[0] ? toExecution(result.rows[0]) : undefined;
  }

  async listSteps(executionId: string): Promise<StepResult[]> {
    const result = await this.pool.query<StepRow>(
      `SELECT node_id, node_type, status, attempts, duration_ms, output, error, started_at, finished_at
       FROM step_executions WHERE execution_id = $1 ORDER BY seq`,
      [executionId],
    );
    return result.rows.map(toStep);
  }

  /**
   * Takes the execution for this delivery: pending or running (a delivery
   * whose worker died) become running; completed and failed stay as they are
   * and undefined is returned, so the caller does nothing.
   */
  async claim(id: string, now: Date): Promise<ClaimedExecution | undefined> {
    const result = await this.pool.query<ExecutionRow & { definition: WorkflowDefinition }>(
      `UPDATE executions e
          SET status = 'running', started_at = COALESCE(e.started_at, $2), deliveries = e.deliveries + 1, updated_at = $2
         FROM workflows w
        WHERE e.id = $1 AND w.id = e.workflow_id AND e.status IN ('pending', 'running')
       RETURNING e.id, e.tenant_id, e.workflow_id, e.status, e.trigger_type, e.input, e.error, e.deliveries,
                 e.created_at, e.started_at, e.finished_at, w.definition`,
      [id, now],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return { ...toExecution(row), definition: row.definition, startedAtMs: row.started_at!.getTime() };
  }

  /** Ends a running execution; a no-op (false) when it already ended. */
  async finish(id: string, status: 'completed' | 'failed', error: string | null, now: Date): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE executions SET status = $2, error = $3, finished_at = $4, updated_at = $4
        WHERE id = $1 AND status IN ('pending', 'running')`,
      [id, status, error, now],
    );
    return result.rowCount === 1;
  }

  /** Fails an execution that has not ended; returns what metrics need, or undefined when it had ended. */
  async finishUnended(id: string, error: string, now: Date): Promise<{ workflowId: string; startedAtMs: number } | undefined> {
    const result = await this.pool.query<{ workflow_id: string; started_at: Date | null; created_at: Date }>(
      `UPDATE executions SET status = 'failed', error = $2, finished_at = $3, updated_at = $3
        WHERE id = $1 AND status IN ('pending', 'running')
       RETURNING workflow_id, started_at, created_at`,
      [id, error, now],
    );
    const row = result.rows[0];
    return row ? { workflowId: row.workflow_id, startedAtMs: (row.started_at ?? row.created_at).getTime() } : undefined;
  }

  /** The oldest pending executions created before `cutoff` (the orphan sweeper's candidates; served by executions_unfinished_idx). */
  async listPendingCreatedBefore(cutoff: Date, limit: number): Promise<{ id: string; tenantId: string }[]> {
    const result = await this.pool.query<{ id: string; tenant_id: string }>(
      `SELECT id, tenant_id FROM executions WHERE status = 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2`,
      [cutoff, limit],
    );
    return result.rows.map((row) => ({ id: row.id, tenantId: row.tenant_id }));
  }

  /** Records that a step started (again); returns the attempts made in earlier deliveries. */
  async startStep(executionId: string, nodeId: string, type: StepType, now: Date): Promise<number> {
    const result = await this.pool.query<{ attempts: number }>(
      `INSERT INTO step_executions (execution_id, node_id, node_type, status, attempts, started_at)
       VALUES ($1, $2, $3, 'running', 0, $4)
       ON CONFLICT (execution_id, node_id) DO UPDATE
         SET status = 'running', output = NULL, error = NULL, finished_at = NULL
       RETURNING attempts`,
      [executionId, nodeId, type, now],
    );
    return result.rows[0]!.attempts;
  }

  async recordStepAttempt(executionId: string, nodeId: string, attempts: number): Promise<void> {
    await this.pool.query(`UPDATE step_executions SET attempts = $3 WHERE execution_id = $1 AND node_id = $2`, [
      executionId,
      nodeId,
      attempts,
    ]);
  }

  async finishStep(
    executionId: string,
    nodeId: string,
    result: { status: 'completed' | 'failed'; attempts: number; durationMs: number; output: unknown; error: string | null },
    now: Date,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE step_executions
          SET status = $3, attempts = $4, duration_ms = $5, output = $6, error = $7, finished_at = $8
        WHERE execution_id = $1 AND node_id = $2`,
      [executionId, nodeId, result.status, result.attempts, result.durationMs, json(result.output), result.error, now],
    );
  }

  async skipStep(executionId: string, nodeId: string, type: StepType, now: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO step_executions (execution_id, node_id, node_type, status, attempts, finished_at)
       VALUES ($1, $2, $3, 'skipped', 0, $4) ON CONFLICT (execution_id, node_id) DO NOTHING`,
      [executionId, nodeId, type, now],
    );
  }
}

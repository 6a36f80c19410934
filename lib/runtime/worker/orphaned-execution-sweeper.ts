/**
 * Ends executions that nothing will ever run. The API inserts the execution
 * row, then adds its job; when the add fails the API fails the row and
 * answers 503, but when the API dies between the two (or Redis loses the
 * job) the row would stay `pending` forever, seen by no queue depth, no
 * in-progress gauge and so no alert.
 *
 * Every interval, the pending rows older than `orphanAgeMs` whose job is
 * missing, completed or failed are ended as failed through the executor, so
 * they are counted in gorax_workflow_executions_total{status="failed"} and
 * reach the failure-rate alerts. They are failed rather than enqueued again:
 * the client that created such a row never got its 202 (the answer is sent
 * after the job is added), so it saw an error and may have retried; running
 * the orphan as well would repeat the workflow's side effects.
 *
 * Any number of workers may sweep at once: the row only ends once.
 */
import type { WorkflowExecutor } from '../executor/workflow-executor';
import type { Logger } from '../logging/logger';
import { ENQUEUE_TIMEOUT_MS, type ExecutionQueue } from '../queue/execution-queue';
import type { ExecutionRepository } from '../storage/execution-repository';

export interface OrphanedExecutionSweeperOptions {
  readonly executions: ExecutionRepository;
  readonly queue: ExecutionQueue;
  readonly executor: WorkflowExecutor;
  readonly logger: Logger;
  /** How often to look. */
  readonly intervalMs: number;
  /** A pending row younger than this may still be between its insert and its enqueue; must exceed the API's enqueue bound. */
  readonly orphanAgeMs: number;
  /** Rows looked at per sweep, oldest first. */
  readonly batchSize: number;
}

/** What the worker runs with: a row is an orphan after 5 minutes, 60 times the API's enqueue bound. */
export const ORPHAN_SWEEP = { intervalMs: 60_000, orphanAgeMs: 60 * ENQUEUE_TIMEOUT_MS, batchSize: 100 } as const;

export const ORPHAN_REASON = 'the execution was never enqueued (or its job was lost) and did not run';

export class OrphanedExecutionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<number> | undefined;

  constructor(private readonly options: OrphanedExecutionSweeperOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One sweep; resolves with the number of executions it ended (0 when it failed: the next sweep tries again). */
  sweep(): Promise<number> {
    this.inFlight ??= this.sweepOnce()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'orphaned execution sweep failed');
        return 0;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async sweepOnce(): Promise<number> {
    const { executions, queue, executor, logger } = this.options;
    const cutoff = new Date(Date.now() - this.options.orphanAgeMs);
    let ended = 0;
    for (const candidate of await executions.listPendingCreatedBefore(cutoff, this.options.batchSize)) {
      if (await queue.hasLiveJob(candidate.id)) continue;
      if (await executor.abandon(candidate.id, candidate.tenantId, ORPHAN_REASON)) {
        ended += 1;
        logger.warn({ executionId: candidate.id, tenant: candidate.tenantId }, 'orphaned pending execution failed: it had no job');
      }
    }
    return ended;
  }
}

/**
 * The consumer side of the queue: a BullMQ Worker running executions with
 * WORKER_CONCURRENCY slots.
 *
 * At-least-once delivery: a job's lock is renewed while it runs; when a
 * worker dies (SIGKILL) its lock expires after WORKER_LOCK_DURATION_MS and the
 * stalled-job check of any live worker (every WORKER_STALLED_INTERVAL_MS)
 * moves the job back to waiting, where it is taken again. The executor's
 * claim makes the redelivery safe (see WorkflowExecutor). A job that fails
 * for good (infrastructure errors past its attempts, or stalled more than
 * once) ends its execution as failed, so none stays running forever.
 */
import { type Job, Worker } from 'bullmq';
import { captureError, errorKind } from '../errors/error-reporting';
import type { WorkflowExecutor } from '../executor/workflow-executor';
import type { Logger } from '../logging/logger';
import type { WorkerSlotsMetric } from '../metrics/worker-slots-metric';
import type { ExecutionJobData } from '../queue/execution-job';
import { redisConnectionOptions } from '../queue/redis-connection';
import { processTraced } from '../tracing/queue-trace-context';

export interface ExecutionWorkerOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly executor: WorkflowExecutor;
  readonly slots: WorkerSlotsMetric | undefined;
  readonly logger: Logger;
}

export class ExecutionWorker {
  readonly worker: Worker<ExecutionJobData>;
  private closing = false;

  constructor(private readonly options: ExecutionWorkerOptions) {
    const { executor, logger } = options;
    this.worker = new Worker<ExecutionJobData>(
      options.queueName,
      // A CONSUMER span continuing the enqueuing request's trace (context from the job data).
      (job: Job<ExecutionJobData>) =>
        processTraced(options.queueName, { id: job.id, attempt: job.attemptsMade + 1, carrier: job.data.trace }, async () => {
          logger.debug({ executionId: job.data.executionId, attempt: job.attemptsMade + 1 }, 'job started');
          const result = await executor.run(job.data.executionId);
          return result.kind === 'finished' ? result.status : 'not-claimed';
        }),
      {
        connection: redisConnectionOptions(options.redisUrl, { failFast: false }),
        prefix: options.prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: 1,
        autorun: false,
      },
    );
    this.worker.on('error', (error) => logger.warn({ err: { message: error.message } }, 'worker connection error'));
    this.worker.on('stalled', (jobId) => logger.warn({ executionId: jobId }, 'job stalled (its worker died); redelivering'));
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('paused', () => options.slots?.set(0));
    this.worker.on('resumed', () => options.slots?.set(this.closing ? 0 : options.concurrency));
  }

  /** Starts taking jobs; resolves once connected. */
  async start(): Promise<void> {
    this.worker.run().catch((error: unknown) => {
      this.options.logger.error({ err: { message: (error as Error).message } }, 'worker stopped unexpectedly');
    });
    await this.worker.waitUntilReady();
    this.options.slots?.set(this.options.concurrency);
  }

  /** Taking jobs: running, not paused, not closing. */
  isTakingJobs(): boolean {
    return !this.closing && this.worker.isRunning() && !this.worker.isPaused();
  }

  /** Stops taking jobs and waits for the running ones to finish. */
  async close(): Promise<void> {
    this.closing = true;
    this.options.slots?.set(0);
    await this.worker.close();
  }

  private async onFailed(job: Job<ExecutionJobData> | undefined, error: Error): Promise<void> {
    if (!job) return;
    try {
      // 'failed' is also emitted for attempts that will be retried; only a job in the failed set is final.
      if ((await job.getState()) !== 'failed') return;
      const reason = `the execution could not be completed: ${error.message}`;
      const ended = await this.options.executor.abandon(job.data.executionId, job.data.tenantId, reason);
      this.options.logger.error({ executionId: job.data.executionId, ended, err: { message: error.message } }, 'job failed for good');
      captureError(error, { tenant_id: job.data.tenantId, execution_id: job.data.executionId }, { fingerprint: ['job-failed', this.options.queueName, errorKind(error)] });
    } catch (failure) {
      this.options.logger.error({ err: { message: (failure as Error).message } }, 'could not record a failed job');
    }
  }
}

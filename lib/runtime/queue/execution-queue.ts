/**
 * The producer side of the BullMQ queue (QUEUE_NAME under QUEUE_PREFIX):
 * enqueues executions with jobId = execution id, so enqueuing the same
 * execution twice adds one job, and reads the counts for gorax_queue_depth and
 * the health checks.
 */
import { Queue } from 'bullmq';
import { withTimeout } from '../lifecycle/with-timeout';
import { enqueueTraced } from '../tracing/queue-trace-context';
import { EXECUTION_JOB_ATTEMPTS, EXECUTION_JOB_NAME, type ExecutionJobData } from './execution-job';
import { redisConnectionOptions } from './redis-connection';

/** The longest an enqueue may take before the API gives up on it (answers 503 and fails the execution). */
export const ENQUEUE_TIMEOUT_MS = 5000;

export interface ExecutionQueueOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix: string;
}

export class ExecutionQueue {
  readonly queue: Queue<ExecutionJobData>;
  readonly queueName: string;

  constructor(options: ExecutionQueueOptions) {
    this.queueName = options.queueName;
    this.queue = new Queue<ExecutionJobData>(options.queueName, {
      connection: redisConnectionOptions(options.redisUrl, { failFast: true }),
      prefix: options.prefix,
    });
    // Connection errors surface through the health checks; without a listener they would be thrown.
    this.queue.on('error', () => undefined);
  }

  /**
   * Adds the job in a PRODUCER span whose context travels in the job data, so
   * the worker continues the trace. Bounded by ENQUEUE_TIMEOUT_MS: a stuck
   * Redis fails the request instead of holding it (the orphan sweeper relies
   * on this bound).
   */
  async enqueue(data: ExecutionJobData): Promise<void> {
    await withTimeout(this.add(data), ENQUEUE_TIMEOUT_MS, 'enqueue');
  }

  private async add(data: ExecutionJobData): Promise<void> {
    await enqueueTraced(this.queueName, data.executionId, async (carrier) => {
      const traced: ExecutionJobData = Object.keys(carrier).length > 0 ? { ...data, trace: carrier } : data;
      await this.queue.add(EXECUTION_JOB_NAME as never, traced as never, {
        jobId: data.executionId,
        attempts: EXECUTION_JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    });
  }

  /** Whether a job will still run the execution: false when its job is missing (never added, or lost), completed or failed. */
  async hasLiveJob(executionId: string): Promise<boolean> {
    const state = await this.queue.getJobState(executionId);
    return !['unknown', 'completed', 'failed'].includes(state);
  }

  /** Jobs not yet running: waiting, delayed and prioritized. */
  async waitingCount(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  }

  async ping(): Promise<void> {
    // BullMQ's client interface omits PING; the ioredis client underneath has it.
    const client = (await this.queue.client) as unknown as { ping(): Promise<string> };
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  }

  /**
   * Closes the connection. With Redis unreachable BullMQ's close (a QUIT)
   * fails and its disconnect waits for an end that never comes, so the
   * connection is dropped without waiting: shutdown must not hang on the
   * dependency that is down.
   */
  async close(): Promise<void> {
    try {
      await withTimeout(this.queue.close(), 2000, 'queue close');
    } catch {
      this.queue.disconnect().catch(() => undefined);
    }
  }
}

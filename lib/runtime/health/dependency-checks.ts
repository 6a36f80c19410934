/** Readiness checks of the services' dependencies: PostgreSQL, Redis and the BullMQ queue. */
import type { Pool } from 'pg';
import type { ExecutionQueue } from '../queue/execution-queue';
import type { HealthCheck } from './health-check';

export function databaseCheck(pool: Pool): HealthCheck {
  return {
    name: 'database',
    run: async () => {
      await pool.query('SELECT 1');
    },
  };
}

export function redisCheck(queue: ExecutionQueue): HealthCheck {
  return { name: 'redis', run: () => queue.ping() };
}

/**
 * The queue is usable: its counts can be read (API: it can enqueue), and,
 * when `consumerRunning` is given (worker), the worker is taking jobs.
 */
export function queueCheck(queue: ExecutionQueue, consumerRunning?: () => boolean): HealthCheck {
  return {
    name: 'queue',
    run: async () => {
      if (consumerRunning && !consumerRunning()) throw new Error(`the worker is not taking jobs from queue ${queue.queueName}`);
      await queue.waitingCount();
    },
  };
}

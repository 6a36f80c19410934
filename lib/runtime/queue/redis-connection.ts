/**
 * BullMQ connection options from REDIS_URL. Reconnects quickly (200 ms
 * steps up to 2 s) so that a Redis restart is noticed and recovered from
 * within a readiness period; BullMQ's own default backs off to 20 s.
 */
import type { ConnectionOptions } from 'bullmq';

export interface RedisConnectionRole {
  /**
   * Commands fail at once while Redis is unreachable instead of queueing
   * (the API and health checks, which must answer quickly). The worker's
   * connections keep the offline queue so they resume by themselves.
   */
  readonly failFast: boolean;
}

export function redisConnectionOptions(redisUrl: string, role: RedisConnectionRole): ConnectionOptions {
  return {
    url: redisUrl,
    enableOfflineQueue: !role.failFast,
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/**
 * One isolated environment per test file: its own PostgreSQL schema and its
 * own BullMQ key prefix on the machine's shared PostgreSQL and Redis, both
 * removed by cleanup(). The env object is what a child process gets.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig, type RuntimeConfig } from '../../../lib/runtime/config/runtime-config';
import { deleteKeysWithPrefix } from './redis-keys';

export const SHARED_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnvironment {
  readonly schema: string;
  readonly prefix: string;
  readonly env: Record<string, string>;
  config(overrides?: Record<string, string>): RuntimeConfig;
  cleanup(): Promise<void>;
}

export function createTestEnvironment(base: Record<string, string> = {}): TestEnvironment {
  const id = randomBytes(5).toString('hex');
  const schema = `gorax_test_${id}`;
  const prefix = `gorax-test-${id}`;
  const env: Record<string, string> = {
    DATABASE_URL: SHARED_DATABASE_URL,
    REDIS_URL: SHARED_REDIS_URL,
    DATABASE_SCHEMA: schema,
    QUEUE_PREFIX: prefix,
    LISTEN_HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    WORKER_HEALTH_PORT: '0',
    LOG_LEVEL: 'error',
    HTTP_ACTION_ALLOW_PRIVATE: 'true',
    ...base,
  };
  const redisUrls = new Set<string>([env.REDIS_URL!]);
  const databaseUrls = new Set<string>([env.DATABASE_URL!]);
  return {
    schema,
    prefix,
    env,
    config: (overrides = {}) => {
      if (overrides.REDIS_URL) redisUrls.add(overrides.REDIS_URL);
      if (overrides.DATABASE_URL) databaseUrls.add(overrides.DATABASE_URL);
      return loadConfig({ ...env, ...overrides });
    },
    cleanup: async () => {
      for (const url of databaseUrls) {
        const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
        try {
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } catch {
          // A test-owned server that is already stopped takes its schema with it.
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      for (const url of redisUrls) await deleteKeysWithPrefix(url, prefix).catch(() => undefined);
    },
  };
}

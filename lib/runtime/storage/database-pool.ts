/**
 * The PostgreSQL connection pool. Every connection starts with its
 * search_path set to the configured schema, so the same SQL serves
 * production (public) and isolated test runs (one schema each).
 */
import { Pool } from 'pg';
import { traceQueries } from '../tracing/query-spans';

export interface DatabasePoolOptions {
  readonly databaseUrl: string;
  /** A validated lower-case identifier (see DATABASE_SCHEMA). */
  readonly schema: string;
  readonly max?: number;
  readonly connectionTimeoutMillis?: number;
}

export function createDatabasePool(options: DatabasePoolOptions): Pool {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`database schema "${options.schema}" is not a lower-case SQL identifier`);
  }
  const pool = new Pool({
    connectionString: options.databaseUrl,
    options: `-c search_path=${options.schema}`,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'gorax',
  });
  // Queries under a sampled request or execution get a span each (cheap pass-through otherwise).
  return traceQueries(pool, options.databaseUrl);
}

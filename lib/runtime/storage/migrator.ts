/**
 * Applies pending migrations, each in its own transaction, under an advisory
 * lock so that an API and workers starting together never race. Hand-written
 * because it is a few lines over `pg` and SQL kept in TypeScript modules is
 * compiled into build/ with everything else (no extra files to ship).
 */
import type { Pool } from 'pg';
import { MIGRATIONS, type Migration } from './migrations';

export interface MigrationResult {
  readonly applied: readonly number[];
}

export async function runMigrations(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema "${schema}" is not a lower-case SQL identifier`);
  const client = await pool.connect();
  const lockKey = `gorax-migrations:${schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      // The schema name is a validated identifier (DATABASE_SCHEMA), safe to interpolate.
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
      const appliedBefore = new Set(done.rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (appliedBefore.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${schema}`);
          await client.query(migration.sql);
          await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
        }
        applied.push(migration.version);
      }
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    client.release();
  }
}

/**
 * The PostgreSQL query spans (query-spans.ts) against the real PostgreSQL,
 * through the pool the services create: a CLIENT span per query under a
 * sampled span, named and attributed as the database conventions say, never
 * with a bound value; failures marked and rethrown; nothing at all under an
 * unsampled span or outside any span.
 */
import { context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import type { Pool, QueryResult } from 'pg';
import { createDatabasePool } from '../../../lib/runtime/storage/database-pool';
import { describeStatement, QUERY_SPANS_SCOPE, serverAttributes } from '../../../lib/runtime/tracing/query-spans';
import { SHARED_DATABASE_URL } from '../support/test-environment';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

const LOOKUP = 'SELECT relname FROM pg_class WHERE relname = $1';
const VALUE = 'bound-value-never-recorded';

let tracing: InProcessTracing;
let pool: Pool;

beforeAll(() => {
  tracing = startInProcessTracing({ sampleRate: 1 });
  pool = createDatabasePool({ databaseUrl: SHARED_DATABASE_URL, schema: 'public', max: 2 });
});
afterAll(async () => {
  await pool.end();
  await tracing.stop();
});
beforeEach(() => tracing.exporter.reset());

/** Runs fn under a sampled span of its own and returns that span's id. */
async function underSampledSpan(fn: () => Promise<unknown>): Promise<string> {
  return trace.getTracer('test').startActiveSpan('request', async (span: Span) => {
    try {
      await fn();
      return span.spanContext().spanId;
    } finally {
      span.end();
    }
  });
}

function querySpans() {
  return tracing.exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === QUERY_SPANS_SCOPE);
}

it('records a CLIENT span per query under a sampled span, with the statement and never its values', async () => {
  const parent = await underSampledSpan(() => pool.query(LOOKUP, [VALUE]));
  const [span, ...others] = querySpans();
  expect(others).toEqual([]);
  expect(span!.name).toBe('SELECT pg_class');
  expect(span!.kind).toBe(SpanKind.CLIENT);
  expect(span!.parentSpanContext?.spanId).toBe(parent);
  const url = new URL(SHARED_DATABASE_URL);
  expect(span!.attributes).toEqual({
    'db.system.name': 'postgresql',
    'db.namespace': url.pathname.slice(1),
    'server.address': url.hostname,
    'server.port': Number(url.port || 5432),
    'db.operation.name': 'SELECT',
    'db.collection.name': 'pg_class',
    'db.query.text': LOOKUP,
  });
  expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  expect(JSON.stringify({ attributes: span!.attributes, events: span!.events })).not.toContain(VALUE);
});

it('traces the callback form too, ending the span before the caller hears back', async () => {
  let endedBeforeCallback: number | undefined;
  let rows: unknown[] | undefined;
  await underSampledSpan(
    () =>
      new Promise<void>((resolve, reject) =>
        pool.query(LOOKUP, [VALUE], (error: Error | undefined, result: QueryResult) => {
          endedBeforeCallback = querySpans().length;
          if (error) return reject(error);
          rows = result.rows;
          resolve();
        }),
      ),
  );
  expect(rows).toEqual([]);
  expect(endedBeforeCallback).toBe(1);
});

it('marks a failed query ERROR with the exception, and rethrows it', async () => {
  await underSampledSpan(async () => {
    await expect(pool.query('SELECT * FROM no_such_table_anywhere WHERE id = $1', [VALUE])).rejects.toThrow('no_such_table_anywhere');
  });
  const [span] = querySpans();
  expect(span!.name).toBe('SELECT no_such_table_anywhere');
  expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  expect(span!.events.map((e) => e.name)).toEqual(['exception']);
});

it('records nothing under an unsampled span or outside any span, and the queries still answer', async () => {
  const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
  const underUnsampled = await context.with(unsampled, () => pool.query('SELECT 1 AS one'));
  const outside = await pool.query('SELECT 2 AS two');
  expect([underUnsampled.rows, outside.rows]).toEqual([[{ one: 1 }], [{ two: 2 }]]);
  expect(tracing.exporter.getFinishedSpans()).toEqual([]);
});

it('names statements by operation and table, and falls back to the operation or the system', () => {
  const name = (sql: string) => describeStatement(sql, {}).name;
  expect(name('INSERT INTO workflows (id) VALUES ($1)')).toBe('INSERT workflows');
  expect(name('  update executions SET status = $2 WHERE id = $1')).toBe('UPDATE executions');
  expect(name('DELETE FROM step_executions WHERE execution_id = $1')).toBe('DELETE step_executions');
  expect(name('SELECT 1')).toBe('SELECT');
  expect(name('')).toBe('postgresql');
});

it('takes the server from the connection string, never its user or password', () => {
  const attributes = serverAttributes('postgres://gorax:s3cret-pass@db.internal:6543/gorax_prod?sslmode=require');
  expect(attributes).toEqual({ 'db.system.name': 'postgresql', 'db.namespace': 'gorax_prod', 'server.address': 'db.internal', 'server.port': 6543 });
  expect(JSON.stringify(attributes)).not.toMatch(/gorax:|s3cret/);
  expect(serverAttributes('not a url')).toEqual({ 'db.system.name': 'postgresql' });
});

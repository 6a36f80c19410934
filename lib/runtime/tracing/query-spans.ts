/**
 * A CLIENT span per PostgreSQL query, under a recording (sampled) span only,
 * from one wrapper around the pool's query(): every query of the services
 * goes through a repository's pool.query (the migrator's and the readiness
 * check's run outside any request or execution, so they had no parent and no
 * span before either).
 *
 * It replaced @opentelemetry/instrumentation-pg, which patched pg's Client
 * and Pool and, per sampled query, parsed the statement, bound callbacks to
 * the context, chained extra promises and recorded pool and duration metrics
 * into a meter nobody reads: about 79k instructions on Node 24 (callgrind,
 * main thread) besides exporting the span, a third of what a sampled request
 * cost, and six times per sampled execution. This one starts the span in the
 * active context and ends it when the query settles: no context of its own
 * (nothing runs inside a query), the statement's name parsed once per SQL text.
 *
 * Recorded: db.system.name, db.namespace, server.address, server.port,
 * db.operation.name, db.collection.name and db.query.text, which is the
 * parameterised SQL (values travel separately and are never recorded). The
 * OpenTelemetry API only: without an SDK, getActiveSpan() is undefined and
 * the query goes straight through.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import type { Pool } from 'pg';
import { SpanKind, trace } from './otel-api';
import { markSpanFailed } from './spans';

/** The instrumentation scope of the query spans. */
export const QUERY_SPANS_SCOPE = 'gorax-pg';

interface Statement {
  readonly name: string;
  readonly attributes: Attributes;
}

/** The first keyword, and the table after FROM / INTO / UPDATE when there is one. */
const OPERATION = /^\s*([a-z]+)/i;
const COLLECTION = /\b(?:from|into|update)\s+"?([a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)?)"?/i;

/** Statements are the repositories' fixed SQL texts; the cap only guards against SQL built per call. */
const MAX_CACHED_STATEMENTS = 256;

/** What the connection string says about the server: never its user or password. */
export function serverAttributes(databaseUrl: string): Attributes {
  try {
    const url = new URL(databaseUrl);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return {
      'db.system.name': 'postgresql',
      ...(database ? { 'db.namespace': database } : {}),
      ...(url.hostname ? { 'server.address': url.hostname, 'server.port': Number(url.port || 5432) } : {}),
    };
  } catch {
    return { 'db.system.name': 'postgresql' };
  }
}

/** Span name and statement attributes, following the database semantic conventions ("SELECT workflows"). */
export function describeStatement(text: string, server: Attributes): Statement {
  const operation = OPERATION.exec(text)?.[1]?.toUpperCase();
  const collection = COLLECTION.exec(text)?.[1];
  const name = operation === undefined ? 'postgresql' : collection === undefined ? operation : `${operation} ${collection}`;
  return {
    name,
    attributes: {
      ...server,
      ...(operation === undefined ? {} : { 'db.operation.name': operation }),
      ...(collection === undefined ? {} : { 'db.collection.name': collection }),
      'db.query.text': text,
    },
  };
}

type Query = (this: Pool, ...args: unknown[]) => unknown;

/** Wraps `pool.query` (promise and callback forms) so that queries under a recording span get a span each. */
export function traceQueries(pool: Pool, databaseUrl: string): Pool {
  const tracer = trace.getTracer(QUERY_SPANS_SCOPE);
  const server = serverAttributes(databaseUrl);
  const statements = new Map<string, Statement>();
  const statementOf = (text: string): Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = describeStatement(text, server);
      if (statements.size < MAX_CACHED_STATEMENTS) statements.set(text, statement);
    }
    return statement;
  };
  const query = pool.query as unknown as Query;
  const traced: Query = function (this: Pool, ...args) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || !trace.getActiveSpan()?.isRecording()) return query.apply(this, args);
    const statement = statementOf(text);
    // The attributes are set after the start, not passed to it: the SDK copies start attributes twice for the sampler
    // before setting them (about 4k instructions per query span), and a query span always has a recording parent, so
    // the sampler (ParentBased) decides by the parent and never reads them.
    const span = tracer.startSpan(statement.name, { kind: SpanKind.CLIENT }).setAttributes(statement.attributes);
    const callback = args.length > 0 && typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (error: unknown, result: unknown) => void) : undefined;
    if (callback !== undefined) {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        settle(span, error);
        callback(error, result);
      };
      return query.apply(this, args);
    }
    const pending = query.apply(this, args) as Promise<unknown> | undefined;
    // A submittable (a pg Query object) is not a promise: its span ends with the call, as the services pass none.
    if (typeof pending?.then !== 'function') {
      span.end();
      return pending;
    }
    return pending.then(
      (result) => {
        settle(span, undefined);
        return result;
      },
      (error: unknown) => {
        settle(span, error);
        throw error;
      },
    );
  };
  pool.query = traced as unknown as Pool['query'];
  return pool;
}

/** Ends the span; a failed query is marked (the scrubbing processor cleans the message before export). */
function settle(span: Span, error: unknown): void {
  if (error) markSpanFailed(span, error);
  span.end();
}

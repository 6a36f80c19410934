/**
 * captureError / recoverAndReport (the seed's CaptureError and
 * RecoverAndReport) in this process, against the loopback Sentry stand-in:
 * no-ops until reporting starts, then events with the tags, the default
 * per-workflow-and-step-type fingerprint and the active trace id.
 */
import { executionAsyncResource } from 'node:async_hooks';
import { loadConfig } from '../../../lib/runtime/config/runtime-config';
import { captureError, closeErrorReporting, errorKind, errorReportingEnabled, recoverAndReport, startErrorReporting } from '../../../lib/runtime/errors/error-reporting';
import { withSpan } from '../../../lib/runtime/tracing/spans';
import { type InProcessTracing, startInProcessTracing } from '../tracing/in-process-provider';
import { eventually } from '../support/eventually';
import { startSentryIngestReceiver, type SentryIngestReceiver } from '../support/sentry-ingest-receiver';
import { SHARED_DATABASE_URL, SHARED_REDIS_URL } from '../support/test-environment';

let sentry: SentryIngestReceiver;
let tracing: InProcessTracing;

beforeAll(async () => {
  sentry = await startSentryIngestReceiver();
  tracing = startInProcessTracing();
});

afterAll(async () => {
  await closeErrorReporting();
  await tracing?.stop();
  await sentry?.close();
});

/** How many AsyncLocalStorage stores a new promise carries (Node 20 keeps one symbol per enabled store on each async resource). */
async function asyncContextStores(): Promise<number> {
  await null;
  return Object.getOwnPropertySymbols(executionAsyncResource()).filter((symbol) => symbol.description === 'kResourceStore').length;
}

const config = (enabled: boolean) =>
  loadConfig({ DATABASE_URL: SHARED_DATABASE_URL, REDIS_URL: SHARED_REDIS_URL, SENTRY_ENABLED: String(enabled), SENTRY_DSN: enabled ? 'http://k@127.0.0.1:9/1' : '' });

it('does nothing while reporting is disabled', async () => {
  startErrorReporting(config(false), 'worker');
  expect(errorReportingEnabled()).toBe(false);
  captureError(new Error('nobody hears this'), { workflow_id: 'w' });
  await expect(recoverAndReport(async () => 7)).resolves.toBe(7);
});

it('reports with tags, the default grouping and the trace id, and rethrows', async () => {
  startErrorReporting({ ...config(true), sentry: { ...config(true).sentry, dsn: sentry.dsn } }, 'worker');
  expect(errorReportingEnabled()).toBe(true);
  const tags = { tenant_id: 'acme', workflow_id: 'wf-1', execution_id: 'ex-1', step_type: 'action:http' };
  const [traceId, storesBefore, storesAfter] = await withSpan('work', {}, async (span) => {
    const before = await asyncContextStores();
    await expect(recoverAndReport(async () => Promise.reject(new TypeError('bad step')), tags)).rejects.toThrow('bad step');
    return [span.spanContext().traceId, before, await asyncContextStores()] as const;
  });
  // Reporting does not switch on Sentry's own AsyncLocalStorage, which every later promise would then pay for.
  expect(storesAfter).toBe(storesBefore);
  const [event] = await eventually(() => (sentry.events().length > 0 ? sentry.events() : undefined), { what: 'the event' });
  expect(event.fingerprint).toEqual(['workflow-failure', 'wf-1', 'action:http']);
  expect(event.tags).toMatchObject({ ...tags, service: 'gorax-worker', trace_id: traceId });
  expect(event.contexts.trace.trace_id).toBe(traceId);
  expect(event.exception.values[0]).toMatchObject({ type: 'TypeError', value: 'bad step' });
  expect(sentry.events()).toHaveLength(1);
});

it('names errors by class for grouping', () => {
  class DatabaseError extends Error {
    override name = 'error';
  }
  expect(errorKind(new DatabaseError('x'))).toBe('DatabaseError');
  expect(errorKind(new Error('x'))).toBe('Error');
  expect(errorKind('a string')).toBe('string');
});

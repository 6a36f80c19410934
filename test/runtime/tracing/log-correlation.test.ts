/** Log lines written inside a span carry its trace_id and span_id; lines outside carry neither. */
import { createLogger } from '../../../lib/runtime/logging/logger';
import { withSpan } from '../../../lib/runtime/tracing/spans';
import { collectLogs } from '../support/log-lines';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

let tracing: InProcessTracing;

beforeAll(() => {
  tracing = startInProcessTracing();
});

afterAll(async () => {
  await tracing.stop();
});

it('adds trace_id and span_id inside a span, also for child loggers, and nothing outside', async () => {
  const logs = collectLogs();
  const logger = createLogger({ level: 'info', service: 'worker', destination: logs });
  logger.info('before');
  await withSpan('outer', {}, async () => {
    logger.info('in outer');
    await withSpan('inner', {}, async () => logger.child({ executionId: 'e1' }).info('in inner'));
  });
  logger.info('after');

  const [inner, outer] = tracing.exporter.getFinishedSpans();
  expect(inner!.name).toBe('inner');
  const byMessage = Object.fromEntries(logs.lines.map((l) => [l.msg, l]));
  expect(byMessage.before).not.toHaveProperty('trace_id');
  expect(byMessage.after).not.toHaveProperty('trace_id');
  expect(byMessage['in outer']).toMatchObject({ trace_id: outer!.spanContext().traceId, span_id: outer!.spanContext().spanId });
  expect(byMessage['in inner']).toMatchObject({ trace_id: outer!.spanContext().traceId, span_id: inner!.spanContext().spanId, executionId: 'e1' });
});

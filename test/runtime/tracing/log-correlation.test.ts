/** Log lines written inside a span carry its trace_id and span_id as their last fields; lines outside carry neither. */
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { unsampledRootSpan } from '../../../lib/runtime/tracing/root-sampling';
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

it('appends the ids once, as the last fields of a well-formed line, whatever the line holds', async () => {
  const logs = collectLogs();
  const logger = createLogger({ level: 'info', service: 'api', destination: logs });
  await withSpan('outer', {}, async () => {
    logger.info({ nested: { text: 'a } and "quotes"\n' }, trace_id: 'from the caller' }, 'ends with }');
    logger.info(new Error('failed }'));
  });

  const [span] = tracing.exporter.getFinishedSpans().slice(-1);
  const { traceId, spanId } = span!.spanContext();
  for (const raw of logs.raw) {
    expect(raw.endsWith(`,"trace_id":"${traceId}","span_id":"${spanId}"}\n`)).toBe(true);
    expect(raw.split('\n')).toHaveLength(2);
  }
  // JSON takes the last of two equal keys: the span's ids win over a field of the same name.
  expect(logs.lines[0]).toMatchObject({ msg: 'ends with }', nested: { text: 'a } and "quotes"\n' }, trace_id: traceId });
  expect(logs.lines[1]).toMatchObject({ msg: 'failed }', trace_id: traceId, span_id: spanId });
});

it("carries an unsampled request's ids, and never a caller's ids that are not valid hex", () => {
  const logs = collectLogs();
  const logger = createLogger({ level: 'info', service: 'api', destination: logs });
  const unsampled = unsampledRootSpan();
  context.with(trace.setSpan(ROOT_CONTEXT, unsampled), () => logger.info('unsampled'));
  const forged = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c8031"}', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
  context.with(trace.setSpan(ROOT_CONTEXT, forged), () => logger.info('forged'));

  expect(logs.lines[0]).toMatchObject({ msg: 'unsampled', trace_id: unsampled.spanContext().traceId, span_id: unsampled.spanContext().spanId });
  expect(logs.lines[1]).toEqual(expect.objectContaining({ msg: 'forged' }));
  expect(logs.lines[1]).not.toHaveProperty('trace_id');
  expect(logs.raw[1]).not.toContain('0af7651916cd43dd8448eb211c8031');
});

/** Trace and span ids drawn in batches from a random source: valid, distinct, one fill per batch. */
import { trace, TraceFlags } from '@opentelemetry/api';
import { BATCH_SIZE, RandomTraceIds } from '../../../lib/runtime/tracing/random-trace-ids';

it('draws valid, distinct W3C ids from the CSPRNG, across batches', () => {
  const ids = new RandomTraceIds();
  const pairs = Array.from({ length: BATCH_SIZE * 3 + 7 }, () => ids.draw());
  for (const { traceId, spanId } of pairs) {
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.isSpanContextValid({ traceId, spanId, traceFlags: TraceFlags.NONE })).toBe(true);
  }
  expect(new Set(pairs.map((p) => p.traceId)).size).toBe(pairs.length);
  expect(new Set(pairs.map((p) => p.spanId)).size).toBe(pairs.length);
});

it('fills its buffer once per batch, and a pair drawn keeps its value after the next fill', () => {
  let fills = 0;
  const ids = new RandomTraceIds((bytes) => bytes.fill(++fills), 4);
  const first = ids.draw();
  expect(fills).toBe(1);
  expect(first).toEqual({ traceId: '01'.repeat(16), spanId: '01'.repeat(8) });
  for (let i = 0; i < 3; i++) ids.draw();
  expect(fills).toBe(1);
  expect(ids.draw()).toEqual({ traceId: '02'.repeat(16), spanId: '02'.repeat(8) });
  expect(fills).toBe(2);
  expect(first.traceId).toBe('01'.repeat(16));
});

it('skips a pair with an all-zero id, as W3C calls it invalid', () => {
  // The first pair's span id is zero, the second's trace id, the third is valid.
  const ids = new RandomTraceIds((bytes) => {
    bytes.fill(0xab);
    bytes.fill(0, 16, 24);
    bytes.fill(0, 24, 40);
  }, 3);
  expect(ids.draw()).toEqual({ traceId: 'ab'.repeat(16), spanId: 'ab'.repeat(8) });
});

it('keeps ids that are zero but for their last byte', () => {
  const ids = new RandomTraceIds((bytes) => {
    bytes.fill(0);
    bytes[15] = 1;
    bytes[23] = 2;
  }, 1);
  expect(ids.draw()).toEqual({ traceId: `${'00'.repeat(15)}01`, spanId: `${'00'.repeat(7)}02` });
});

it('refuses a batch size that is not a positive integer, naming it', () => {
  expect(() => new RandomTraceIds(undefined, 0)).toThrow('batchSize must be a positive integer, got 0');
  expect(() => new RandomTraceIds(undefined, 1.5)).toThrow('batchSize must be a positive integer, got 1.5');
});

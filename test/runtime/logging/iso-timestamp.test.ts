/**
 * The log line's time against Date#toISOString, which it replaces: the same
 * text for every millisecond tried, across calendar edges, the cached second
 * and the years it hands back to toISOString.
 */
import pino from 'pino';
import { isoTimeField, isoTimestamp } from '../../../lib/runtime/logging/iso-timestamp';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { collectLogs } from '../support/log-lines';

const iso = (ms: number) => new Date(ms).toISOString();

test('calendar edges come out as toISOString writes them', () => {
  const edges = [
    0,
    -0,
    -1,
    1,
    999,
    1000,
    -62_167_219_200_000, // 0000-01-01T00:00:00.000Z
    -62_162_035_200_001, // 0000-02-29T23:59:59.999Z (year 0 is a leap year)
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z
    Date.UTC(1600, 1, 29, 12),
    Date.UTC(1700, 1, 28, 23, 59, 59, 999),
    Date.UTC(1700, 2, 1),
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29, 23, 59, 59, 999),
    Date.UTC(2000, 2, 1),
    Date.UTC(2024, 11, 31, 23, 59, 59, 999),
    Date.UTC(2025, 0, 1),
    Date.UTC(2100, 1, 28),
    Date.UTC(2100, 2, 1),
    Date.UTC(2026, 10, 30, 3, 50, 7, 42),
    Date.UTC(2026, 10, 30, 3, 50, 7, 5),
  ];
  for (const ms of edges) expect([ms, isoTimestamp(ms)]).toEqual([ms, iso(ms)]);
});

test('random times over the four-digit years, in and out of order, match toISOString', () => {
  let seed = 20261130;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const first = -62_167_219_200_000;
  const span = 253_402_300_799_999 - first;
  const mismatches: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const ms = first + Math.floor(next() * span);
    if (isoTimestamp(ms) !== iso(ms)) mismatches.push(`${ms}: ${isoTimestamp(ms)} against ${iso(ms)}`);
  }
  expect(mismatches).toEqual([]);
});

test('the cached second is left for the next second, and for an earlier one', () => {
  const start = Date.UTC(2026, 10, 30, 23, 59, 58, 990);
  const times = [];
  for (let ms = start; ms < start + 2100; ms += 7) times.push(ms);
  // Forward across two second (and day, month, year-end-adjacent) boundaries, then back and forth.
  for (const ms of [...times, ...times.reverse(), start + 1500, start, start + 1500, start - 86_400_000]) {
    expect(isoTimestamp(ms)).toBe(iso(ms));
  }
});

test('times outside the four-digit years, fractions and invalid ones behave as toISOString does', () => {
  for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15, 1.5, -1.5, 1e12 + 0.999]) {
    expect(isoTimestamp(ms)).toBe(iso(ms));
  }
  for (const invalid of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
    expect(() => isoTimestamp(invalid)).toThrow(RangeError);
  }
});

test('the timestamp field is pino isoTime’s, and the logger writes it', () => {
  const before = Date.now();
  const field = isoTimeField();
  const reference = pino.stdTimeFunctions.isoTime();
  const after = Date.now();
  expect(field).toMatch(/^,"time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/);
  const time = (f: string) => Date.parse(f.slice(9, -1));
  expect(time(field)).toBeGreaterThanOrEqual(before);
  expect(time(field)).toBeLessThanOrEqual(after);
  expect(field.slice(0, 9)).toBe(reference.slice(0, 9));

  const logs = collectLogs();
  const logger = createLogger({ level: 'info', service: 'api', destination: logs });
  const lineBefore = Date.now();
  logger.info({ route: '/x' }, 'request');
  const lineAfter = Date.now();
  const written = logs.lines[0]!.time as string;
  expect(written).toBe(iso(Date.parse(written)));
  expect(Date.parse(written)).toBeGreaterThanOrEqual(lineBefore);
  expect(Date.parse(written)).toBeLessThanOrEqual(lineAfter);
  expect(logs.raw[0]).toMatch(/^\{"level":"info","time":"[^"]+","service":"gorax-api"/);
});

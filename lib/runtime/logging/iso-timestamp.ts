/**
 * A log line's time, exactly as Date#toISOString writes it, without calling
 * it. V8 formats toISOString through its printf-style StringStream: about
 * 7,300 instructions a call on Node 24 (callgrind, 2026-11-30), paid by
 * every line of both services (docs/performance.md).
 * Here the calendar date comes from integer arithmetic (days since the epoch
 * to a civil date, the proleptic Gregorian calendar that Date uses) and the
 * text up to the seconds is kept for the next line of the same second.
 *
 * Only years 0000-9999 take this path: outside them toISOString writes a
 * six-digit signed year, and those (and non-integer or invalid times) go to
 * toISOString itself, which also throws the same RangeError for NaN.
 */

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const FIRST_FOUR_DIGIT_MS = -62_167_219_200_000;
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

let cachedSecond = Number.NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of cachedSecond. */
let cachedPrefix = '';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `YYYY-MM-DDTHH:MM:SS.` of the second that starts at `secondMs`, a multiple of 1000 in the four-digit years. */
function secondPrefix(secondMs: number): string {
  const days = Math.floor(secondMs / DAY_MS);
  const secondOfDay = (secondMs - days * DAY_MS) / 1000;
  // Days to a civil date (H. Hinnant's days_from_civil, inverted): eras of 400 years starting on March 1.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  const seconds = secondOfDay % 60;
  const yearText = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${yearText}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.`;
}

/** `new Date(ms).toISOString()`, for `ms` milliseconds since the epoch. */
export function isoTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < FIRST_FOUR_DIGIT_MS || ms > LAST_FOUR_DIGIT_MS) return new Date(ms).toISOString();
  const millis = ((ms % 1000) + 1000) % 1000;
  const second = ms - millis;
  if (second !== cachedSecond) {
    cachedPrefix = secondPrefix(second);
    cachedSecond = second;
  }
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** pino's `timestamp` option: `,"time":"…"` as pino.stdTimeFunctions.isoTime writes it. */
export function isoTimeField(): string {
  return `,"time":"${isoTimestamp(Date.now())}"`;
}

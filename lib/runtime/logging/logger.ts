/**
 * The services' structured JSON logger (pino). Level names instead of
 * numbers, the service in every line, and secrets redacted by path in case a
 * config or header object is ever logged. A line written inside a span
 * carries its trace_id and span_id (nothing when tracing is off).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { activeTraceIds } from '../tracing/spans';

export type { Logger } from 'pino';

export const REDACTED_PATHS = [
  'databaseUrl',
  'redisUrl',
  'dsn',
  '*.databaseUrl',
  '*.redisUrl',
  '*.dsn',
  'DATABASE_URL',
  'REDIS_URL',
  'SENTRY_DSN',
  '*.DATABASE_URL',
  '*.REDIS_URL',
  '*.SENTRY_DSN',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

export interface LoggerOptions {
  readonly level: string;
  readonly service: 'api' | 'worker';
  /** Where lines go; stdout unless given (tests pass a stream to read them). */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: `gorax-${options.service}` },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const ids = activeTraceIds();
        return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

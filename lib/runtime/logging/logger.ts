/**
 * The services' structured JSON logger (pino). Level names instead of
 * numbers, the service in every line, and secrets redacted by path in case a
 * config or header object is ever logged. A line written inside a span
 * carries its trace_id and span_id (nothing when tracing is off). Errors
 * logged as `err` or `error` are scrubbed of credentials (error-serializer).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { createCredentialScrubber } from '../errors/credential-scrubber';
import { activeTraceIds } from '../tracing/spans';
import { createErrorSerializer } from './error-serializer';

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
  /** The configuration's secrets (configSecrets), removed verbatim from logged errors besides anything that looks like a credential. */
  readonly secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const serializeError = createErrorSerializer(createCredentialScrubber(options.secrets ?? []));
  return pino(
    {
      level: options.level,
      base: { service: `gorax-${options.service}` },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin: () => {
        const ids = activeTraceIds();
        return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

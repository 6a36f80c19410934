/**
 * The services' structured JSON logger (pino). Level names instead of
 * numbers, the service in every line, and secrets redacted (log-redaction.ts)
 * in case a config, error or header object is ever logged. A line written
 * inside a span carries its trace_id and span_id as its last fields
 * (nothing when tracing is off). Errors logged as `err` or `error` are
 * scrubbed of credentials (error-serializer).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { createCredentialScrubber } from '../errors/credential-scrubber';
import { activeTraceIds } from '../tracing/spans';
import { createErrorSerializer } from './error-serializer';
import { isoTimeField } from './iso-timestamp';
import { CENSOR, redactFields, redactOneLevel, TOP_LEVEL_REDACT_PATHS } from './log-redaction';

/**
 * The fields with a serializer of ours: redacted inside it, after serializing.
 * A child logger's own serializers (no code of ours adds any) would get
 * their field already redacted, where pino redacted after them.
 */
const SERIALIZED_FIELDS: ReadonlySet<string> = new Set(['err', 'error']);

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level: string;
  readonly service: 'api' | 'worker';
  /** Where lines go; stdout unless given (tests pass a stream to read them). */
  readonly destination?: DestinationStream;
  /** The configuration's secrets (configSecrets), removed verbatim from logged errors besides anything that looks like a credential. */
  readonly secrets?: readonly string[];
}

/** How pino ends every line (no `crlf`). */
const LINE_END = '}\n';

/**
 * The line with the active span's ids appended as its last two fields, when a
 * span is active. Appended to the serialized line rather than merged by a
 * `mixin`: the mixin's object is copied into a new one with the line's
 * fields on every line, span or not, and each field then costs pino's
 * per-key serialisation; at LOG_LEVEL=info that was about 3k of the 9k
 * instructions the ids added to every request line (callgrind, Node 24,
 * docs/performance.md). The ids are hex by construction (or validated, for
 * a caller's context: activeTraceIds), so they need no escaping.
 */
function withTraceIds(line: string): string {
  const ids = activeTraceIds();
  if (ids === undefined || !line.endsWith(LINE_END)) return line;
  return `${line.slice(0, -LINE_END.length)},"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"${LINE_END}`;
}

export function createLogger(options: LoggerOptions): Logger {
  const scrubError = createErrorSerializer(createCredentialScrubber(options.secrets ?? []));
  // Redacted after serializing, as pino redacts (log-redaction.ts).
  const serializeError = (value: unknown) => redactOneLevel(scrubError(value));
  const logger = pino(
    {
      level: options.level,
      base: { service: `gorax-${options.service}` },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactFields(fields, SERIALIZED_FIELDS),
        bindings: (bindings) => redactFields(bindings, SERIALIZED_FIELDS),
      },
      // pino.stdTimeFunctions.isoTime's text, without Date#toISOString (iso-timestamp.ts).
      timestamp: isoTimeField,
      redact: { paths: [...TOP_LEVEL_REDACT_PATHS], censor: CENSOR },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: withTraceIds },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
  // pino applies formatters.bindings to the root's bindings only (children get an identity formatter), so a child's
  // bindings (Fastify's request.log, logger.child({ … })) are redacted here; children inherit this child().
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactFields(bindings, SERIALIZED_FIELDS), childOptions);
  } as Logger['child'];
  return logger;
}

/**
 * Secrets kept out of log lines: the SECRET_FIELDS and a `headers` object's
 * SECRET_HEADERS, at the top level of a line and one level down (a logged
 * config, error or request object), replaced by CENSOR.
 *
 * pino's `redact` did all of it with paths, but the one-level ones are
 * wildcard-first (`*.databaseUrl`), and for those pino 10 runs its redactor
 * on every field of every line, strings and numbers included, re-parsing
 * every path on each call: 15 µs of a 20 µs request line here
 * (docs/performance.md). So pino keeps the literal top-level paths (which
 * cost nothing for other fields), and the one-level part is one pass here,
 * with pino's semantics: it runs after serializers (inside the err/error
 * serializers for their fields, in formatters.log for the others), a field
 * counts when it is an own enumerable one, and objects are copied the way
 * pino copies them (same prototype, own enumerable fields), but only when
 * something in them is censored; the caller's objects are never changed.
 */

/** Fields that hold connection strings or DSNs, wherever a line carries them. */
export const SECRET_FIELDS = ['databaseUrl', 'redisUrl', 'dsn', 'DATABASE_URL', 'REDIS_URL', 'SENTRY_DSN'] as const;

/** Request headers that carry credentials. */
export const SECRET_HEADERS = ['authorization', 'cookie'] as const;

export const CENSOR = '[redacted]';

/** The top-level paths pino's own `redact` handles: no wildcard, so no cost for other fields. */
export const TOP_LEVEL_REDACT_PATHS: readonly string[] = [...SECRET_FIELDS, ...SECRET_HEADERS.map((header) => `headers.${header}`)];

/** The value with SECRET_FIELDS and headers' SECRET_HEADERS censored, copied if anything was; else the value itself. */
export function redactOneLevel(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const field of SECRET_FIELDS) {
    if (isPrinted(value, field)) (copy ??= copyOf(value))[field] = CENSOR;
  }
  if (isPrinted(value, 'headers')) {
    const headers = (value as { headers: unknown }).headers;
    if (typeof headers === 'object' && headers !== null) {
      let headersCopy: Record<string, unknown> | undefined;
      for (const header of SECRET_HEADERS) {
        if (isPrinted(headers, header)) (headersCopy ??= copyOf(headers))[header] = CENSOR;
      }
      if (headersCopy !== undefined) (copy ??= copyOf(value)).headers = headersCopy;
    }
  }
  return copy ?? value;
}

/** An own enumerable field: what pino's copy keeps, and the only kind it censors and a line shows. */
function isPrinted(object: object, field: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(object, field);
}

/**
 * A line's or a child logger's fields with redactOneLevel applied to each
 * field that has no serializer (`serialized`: those are redacted by their
 * serializer, after it ran, as pino did). Copied only if anything changed.
 */
export function redactFields(fields: Record<string, unknown>, serialized: ReadonlySet<string>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (serialized.has(key) || !Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const value = fields[key];
    const redacted = redactOneLevel(value);
    if (redacted !== value) (copy ??= { ...fields })[key] = redacted;
  }
  return copy ?? fields;
}

/** As pino's redaction copies an object: same prototype (so toJSON still applies), own enumerable fields. */
function copyOf(source: object): Record<string, unknown> {
  if (Array.isArray(source)) return Object.assign([], source) as unknown as Record<string, unknown>;
  const copy = Object.create(Object.getPrototypeOf(source)) as Record<string, unknown>;
  for (const key in source) {
    if (Object.prototype.hasOwnProperty.call(source, key)) copy[key] = (source as Record<string, unknown>)[key];
  }
  return copy;
}

/**
 * The logger's redaction against pino's own, line for line: the paths the
 * logger used to give pino's `redact` (wildcard-first ones included) are the
 * reference, and every line below must come out the same from both.
 */
import pino from 'pino';
import { createCredentialScrubber } from '../../../lib/runtime/errors/credential-scrubber';
import { createErrorSerializer } from '../../../lib/runtime/logging/error-serializer';
import { redactOneLevel } from '../../../lib/runtime/logging/log-redaction';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { collectLogs } from '../support/log-lines';

/** What the logger gave pino's `redact` before (log-redaction.ts replaced the wildcard-first half). */
const PINO_REFERENCE_PATHS = [
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

function referenceLogger(destination: pino.DestinationStream): pino.Logger {
  const serializeError = createErrorSerializer(createCredentialScrubber([]));
  return pino(
    {
      level: 'info',
      base: { service: 'gorax-api' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: false,
      redact: { paths: PINO_REFERENCE_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}

class ConfigObject {
  readonly databaseUrl = 'postgres://u:class-pw@h/d';
  readonly port = 8080;
}

class WithToJson {
  readonly redisUrl = 'redis://:json-pw@h';
  toJSON(): object {
    return { shown: this.redisUrl };
  }
}

/** Each a line's fields; every secret value contains "pw". */
function lines(): Record<string, unknown>[] {
  const error = Object.assign(new Error('boom'), { databaseUrl: 'postgres://u:err-pw@h/d', headers: { authorization: 'Bearer err-pw' } });
  return [
    { method: 'GET', route: '/api/v1/workflows/:id', status: 200, durationMs: 1.5, tenant: 'acme' },
    { databaseUrl: 'postgres://u:pw@h/d', redisUrl: 'redis://:pw@h', dsn: 'https://pw@sentry/1' },
    { DATABASE_URL: 'postgres://u:pw@h/d', REDIS_URL: 'redis://:pw@h', SENTRY_DSN: 'https://pw@sentry/1' },
    { config: { databaseUrl: 'postgres://u:pw@h/d', REDIS_URL: 'redis://:pw@h', port: 8080, nested: { dsn: 'two levels: kept' } } },
    { headers: { authorization: 'Bearer pw', cookie: 'session=pw', accept: 'application/json', databaseUrl: 'pw', headers: { cookie: 'pw' } } },
    { req: { url: '/x', headers: { authorization: 'Bearer pw', 'x-tenant-id': 'acme' } }, res: { statusCode: 200 } },
    { config: { headers: { cookie: 'pw' }, dsn: 'pw', headersCount: 2 } },
    { list: [{ databaseUrl: 'in an array: kept' }], when: new Date(0), count: 3, ok: true, none: null },
    { config: new ConfigObject(), json: new WithToJson() },
    { config: Object.create({ databaseUrl: 'inherited pw' }) as object },
    { config: { databaseUrl: undefined, redisUrl: null }, databaseUrl: undefined },
    { err: error },
    { error: { headers: { authorization: 'Bearer pw' }, dsn: 'pw', message: 'plain' } },
    { headers: 'not an object', config: 'a string' },
  ];
}

it('writes every line as pino redacting by the old paths did, and leaves the logged objects as they were', () => {
  const ours = collectLogs();
  const reference = collectLogs();
  const logger = createLogger({ level: 'info', service: 'api', destination: ours });
  const pinoReference = referenceLogger(reference);
  for (const fields of lines()) {
    const before = JSON.stringify(fields);
    logger.info(fields, 'line');
    pinoReference.info(fields, 'line');
    expect(JSON.stringify(fields)).toBe(before);
  }
  const withoutTime = ours.lines.map(({ time: _time, ...rest }) => rest);
  expect(withoutTime).toEqual(reference.lines);
  expect(ours.raw.join('')).not.toMatch(/pw@|:pw|Bearer pw|=pw|"pw"|err-pw|class-pw|json-pw|inherited pw/);
});

it('redacts child loggers bindings, through every generation, as pino did', () => {
  const ours = collectLogs();
  const reference = collectLogs();
  const bindings = [{ config: { databaseUrl: 'postgres://u:pw@h/d' }, reqId: 'r1' }, { req: { headers: { cookie: 'pw' } }, SENTRY_DSN: 'pw' }];
  for (const [root, logs] of [
    [createLogger({ level: 'info', service: 'api', destination: ours }), ours],
    [referenceLogger(reference), reference],
  ] as const) {
    const child = root.child(bindings[0]!);
    child.info('child');
    child.child(bindings[1]!).info({ headers: { authorization: 'Bearer pw' } }, 'grandchild');
    expect(logs.lines).toHaveLength(2);
  }
  expect(ours.lines.map(({ time: _time, ...rest }) => rest)).toEqual(reference.lines);
  expect(ours.raw.join('')).not.toContain('pw');
  expect(ours.lines[1]).toMatchObject({ reqId: 'r1', config: { databaseUrl: '[redacted]' }, req: { headers: { cookie: '[redacted]' } }, SENTRY_DSN: '[redacted]' });
});

it('returns an object unchanged (the same object) when nothing in it is a secret', () => {
  const clean = { url: '/x', headers: { accept: 'json' } };
  expect(redactOneLevel(clean)).toBe(clean);
  expect(redactOneLevel('a string')).toBe('a string');
  const redacted = redactOneLevel({ url: '/x', headers: { authorization: 'Bearer pw', accept: 'json' } });
  expect(redacted).toEqual({ url: '/x', headers: { authorization: '[redacted]', accept: 'json' } });
});

/**
 * Errors logged through the services' logger leave no credential in the line,
 * whatever shape the call site logs them in.
 */
import { createLogger } from '../../../lib/runtime/logging/logger';
import { collectLogs } from '../support/log-lines';

const CONNECTION = 'postgres://user:secret@db.internal:5432/gorax';

function logger(secrets: readonly string[] = []) {
  const logs = collectLogs();
  return { logs, log: createLogger({ level: 'info', service: 'worker', destination: logs, secrets }) };
}

describe('logged errors', () => {
  it('scrub an Error under err: message and stack', () => {
    const { logs, log } = logger();
    log.error({ err: new Error(`connect ECONNREFUSED while opening ${CONNECTION}`) }, 'database unreachable');
    expect(logs.raw.join('')).not.toContain('secret');
    const err = logs.lines[0]!.err as Record<string, unknown>;
    expect(err).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED while opening [redacted-connection-string]' });
    expect(String(err.stack)).toContain('[redacted-connection-string]');
  });

  it('scrub an Error logged as the first argument, with its driver fields and cause', () => {
    const { logs, log } = logger();
    const driverError = Object.assign(new Error('password authentication failed'), {
      code: '28P01',
      detail: `connection string ${CONNECTION}`,
      cause: new Error(`retrying ${CONNECTION}`),
    });
    log.error(driverError, 'query failed');
    expect(logs.raw.join('')).not.toContain('secret');
    expect(logs.lines[0]).toMatchObject({
      msg: 'query failed',
      err: { code: '28P01', detail: 'connection string [redacted-connection-string]', message: 'password authentication failed: retrying [redacted-connection-string]' },
    });
  });

  it('scrub the { message } objects the call sites log, and string errors', () => {
    const { logs, log } = logger();
    log.warn({ err: { message: `redis://:secret@cache:6379 refused` } }, 'worker connection error');
    log.warn({ check: 'database', error: `timeout reaching ${CONNECTION}` }, 'health check changed');
    expect(logs.raw.join('')).not.toContain('secret');
    expect(logs.lines[0]).toMatchObject({ err: { message: '[redacted-connection-string] refused' } });
    expect(logs.lines[1]).toMatchObject({ error: 'timeout reaching [redacted-connection-string]' });
  });

  it('remove the configured secrets verbatim, also in child loggers (Fastify request.log)', () => {
    const { logs, log } = logger(['s3cr3t-token-value']);
    log.child({ reqId: 'r1' }).error({ err: { message: 'auth with s3cr3t-token-value refused' } }, 'request failed');
    expect(logs.raw.join('')).not.toContain('s3cr3t-token-value');
    expect(logs.lines[0]).toMatchObject({ reqId: 'r1', err: { message: 'auth with [redacted] refused' } });
  });
});

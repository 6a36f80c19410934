import { createSecretScrubber } from '../../../lib/runtime/logging/secret-scrubber';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { collectLogs } from '../support/log-lines';

describe('createSecretScrubber', () => {
  it('removes configured secrets and any URL credentials', () => {
    const scrub = createSecretScrubber(['postgres://gorax:pw-42@db:5432/gorax', 'https://key123@sentry.example/1']);
    expect(scrub('cannot reach postgres://gorax:pw-42@db:5432/gorax now')).toBe('cannot reach [redacted] now');
    expect(scrub('dsn https://key123@sentry.example/1')).toBe('dsn [redacted]');
    expect(scrub('redis://:other-pw@cache:6379 refused')).toBe('redis://[redacted]@cache:6379 refused');
    expect(scrub('plain message')).toBe('plain message');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with level names and redacts secret fields', () => {
    const logs = collectLogs();
    const logger = createLogger({ level: 'info', service: 'api', destination: logs });
    logger.info({ config: { databaseUrl: 'postgres://u:p@h/d', redisUrl: 'redis://h' }, DATABASE_URL: 'postgres://u:p@h/d' }, 'hello');
    expect(logs.lines[0]).toMatchObject({ level: 'info', service: 'gorax-api', msg: 'hello', DATABASE_URL: '[redacted]', config: { databaseUrl: '[redacted]', redisUrl: '[redacted]' } });
    expect(logs.raw.join('')).not.toContain('postgres://u:p@h/d');
  });
});

import { ENV_VARS } from '../../../lib/config/service-contract';
import { ConfigError } from '../../../lib/runtime/config/config-error';
import { loadConfig } from '../../../lib/runtime/config/runtime-config';

const REQUIRED = { DATABASE_URL: 'postgres://gorax:s3cret-pw@db:5432/gorax', REDIS_URL: 'redis://:r3dis-pw@redis:6379/0' };

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(REQUIRED);
    expect(config).toMatchObject({
      appEnv: 'development',
      logLevel: 'info',
      port: 8080,
      workerHealthPort: 8081,
      queueName: 'default',
      workerConcurrency: 10,
      httpActionAllowPrivate: false,
      metrics: { enabled: true, port: 9090, workflowSeriesLimit: 1000, workflowSeriesIdleSeconds: 3600 },
      tracing: { enabled: false, endpoint: 'localhost:4317', sampleRate: 1, serviceName: 'gorax' },
      sentry: { enabled: false, dsn: '', environment: 'development', sampleRate: 1 },
      queueDepthIntervalMs: 30_000,
      databaseSchema: 'public',
      gitRevision: 'unknown',
    });
    expect(config.health.timeoutMs).toBeLessThan(1000);
    expect(config.health.memoryLimitBytes).toBeUndefined();
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      ...REQUIRED,
      METRICS_ENABLED: 'false',
      METRICS_PORT: '9191',
      TRACING_SAMPLE_RATE: '0.25',
      SENTRY_ENABLED: 'true',
      SENTRY_DSN: 'https://key@sentry.example.com/42',
      WORKER_CONCURRENCY: '3',
      HEALTH_MEMORY_LIMIT_BYTES: '536870912',
      HTTP_ACTION_ALLOW_PRIVATE: 'true',
    });
    expect(config.metrics).toEqual({ enabled: false, port: 9191, workflowSeriesLimit: 1000, workflowSeriesIdleSeconds: 3600 });
    expect(config.tracing.sampleRate).toBe(0.25);
    expect(config.sentry).toMatchObject({ enabled: true, dsn: 'https://key@sentry.example.com/42' });
    expect(config.workerConcurrency).toBe(3);
    expect(config.health.memoryLimitBytes).toBe(536870912);
    expect(config.httpActionAllowPrivate).toBe(true);
  });

  it.each([
    [{ TRACING_SAMPLE_RATE: '2' }, 'TRACING_SAMPLE_RATE="2": accepts a number from 0 to 1'],
    [{ METRICS_PORT: 'abc' }, 'METRICS_PORT="abc": accepts an integer from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000": accepts an integer from 0 to 65535'],
    [{ SENTRY_ENABLED: 'true' }, 'SENTRY_DSN: is required when SENTRY_ENABLED=true'],
    [{ METRICS_ENABLED: 'yes' }, 'METRICS_ENABLED="yes": accepts true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud": accepts one of fatal, error, warn, info, debug, trace, silent'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY="0": accepts an integer from 1 to 1000'],
    [{ METRICS_MAX_WORKFLOW_SERIES: '0' }, 'METRICS_MAX_WORKFLOW_SERIES="0": accepts an integer from 1 to 1000000'],
    [{ METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '59' }, 'METRICS_WORKFLOW_SERIES_IDLE_SECONDS="59": accepts an integer from 60 to 604800'],
    [{ METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '604801' }, 'METRICS_WORKFLOW_SERIES_IDLE_SECONDS="604801": accepts an integer from 60 to 604800'],
    [{ METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '1h' }, 'METRICS_WORKFLOW_SERIES_IDLE_SECONDS="1h": accepts an integer from 60 to 604800'],
    [{ DATABASE_SCHEMA: 'Robert"); DROP' }, 'DATABASE_SCHEMA='],
    [{ DATABASE_URL: undefined }, 'DATABASE_URL: is required; accepts a PostgreSQL URL'],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL: accepts a Redis URL (redis:// or rediss://)'],
  ])('rejects %j naming the variable and what it accepts', (bad, expected) => {
    const problems = problemsOf({ ...REQUIRED, ...bad });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it.each([
    ['api', { PORT: '9000', METRICS_PORT: '9000' }, 'PORT="9000" and METRICS_PORT="9000": the api listens on both, so they must differ (0 picks a free port)'],
    ['api', { PORT: '9090' }, 'PORT="9090" and METRICS_PORT="9090": the api listens on both'],
    ['worker', { WORKER_HEALTH_PORT: '9090' }, 'WORKER_HEALTH_PORT="9090" and METRICS_PORT="9090": the worker listens on both'],
  ] as const)('for the %s, rejects %j: two of its servers on one port, naming both variables', (service, ports, expected) => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ ...REQUIRED, ...ports }, service);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([expect.stringContaining(expected)]);
  });

  it.each([
    ['api', { PORT: '0', METRICS_PORT: '0', WORKER_HEALTH_PORT: '0' }],
    ['worker', { PORT: '0', METRICS_PORT: '0', WORKER_HEALTH_PORT: '0' }],
    ['api', { PORT: '9090', METRICS_ENABLED: 'false' }],
    ['api', { PORT: '8080', WORKER_HEALTH_PORT: '8080' }],
    ['worker', { PORT: '9090', WORKER_HEALTH_PORT: '8081' }],
  ] as const)('for the %s, accepts %j: port 0 (free port), a disabled metrics server, or another process\'s port', (service, ports) => {
    expect(() => loadConfig({ ...REQUIRED, ...ports }, service)).not.toThrow();
  });

  it('reads the cardinality guard settings at the edges of their ranges', () => {
    expect(loadConfig({ ...REQUIRED, METRICS_MAX_WORKFLOW_SERIES: '250', METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '60' }).metrics).toMatchObject({
      workflowSeriesLimit: 250,
      workflowSeriesIdleSeconds: 60,
    });
    expect(loadConfig({ ...REQUIRED, METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '604800' }).metrics.workflowSeriesIdleSeconds).toBe(604_800);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({ ...REQUIRED, METRICS_PORT: 'abc', TRACING_SAMPLE_RATE: '2' });
    expect(problems.map((p) => p.split(/[=:]/)[0])).toEqual(['METRICS_PORT', 'TRACING_SAMPLE_RATE']);
  });

  it('never echoes a secret value in its errors', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x', REDIS_URL: 'redis://:hunter3@r', SENTRY_DSN: 'nope-hunter4' });
    const text = problems.join('\n');
    expect(text).toContain('DATABASE_URL');
    expect(text).toContain('SENTRY_DSN');
    expect(text).not.toMatch(/hunter/);
  });

  it('treats an empty value as unset for variables with a default', () => {
    expect(loadConfig({ ...REQUIRED, METRICS_PORT: '', LOG_LEVEL: '' })).toMatchObject({ logLevel: 'info', metrics: { port: 9090 } });
  });

  it('parses every contract variable (a new ENV_VARS entry without a parser fails to compile)', () => {
    const withDefaults = ENV_VARS.filter((v) => 'default' in v).map((v) => v.name);
    expect(withDefaults.length).toBeGreaterThan(20);
    expect(() => loadConfig(REQUIRED)).not.toThrow();
  });
});

/**
 * The services' configuration: every variable of the contract (ENV_VARS),
 * parsed and validated with zod. A bad value stops the process before it
 * listens, with a message naming the variable and what it accepts.
 */
import { z } from 'zod';
import { ENV_VARS, type EnvVarName } from '../../config/service-contract';
import { ConfigError } from './config-error';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const APP_ENVS = ['development', 'dev', 'staging', 'production'] as const;

export interface HealthConfig {
  readonly timeoutMs: number;
  readonly cacheTtlMs: number;
  readonly intervalMs: number;
  /** undefined: read the cgroup limit. */
  readonly memoryLimitBytes: number | undefined;
  readonly memoryMaxRatio: number;
  readonly diskPath: string;
  readonly diskMinFreeBytes: number;
}

export interface RuntimeConfig {
  readonly appEnv: (typeof APP_ENVS)[number];
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly listenHost: string;
  readonly port: number;
  readonly workerHealthPort: number;
  readonly databaseUrl: string;
  readonly databaseSchema: string;
  readonly redisUrl: string;
  readonly queueName: string;
  readonly queuePrefix: string;
  readonly queueDepthIntervalMs: number;
  readonly queueDepthTimeoutMs: number;
  readonly workerConcurrency: number;
  readonly workerLockDurationMs: number;
  readonly workerStalledIntervalMs: number;
  readonly httpActionAllowPrivate: boolean;
  readonly apiBodyLimitBytes: number;
  readonly metrics: {
    readonly enabled: boolean;
    readonly port: number;
    readonly workflowSeriesLimit: number;
    readonly workflowSeriesIdleSeconds: number;
  };
  readonly tracing: { readonly enabled: boolean; readonly endpoint: string; readonly sampleRate: number; readonly serviceName: string };
  readonly sentry: {
    readonly enabled: boolean;
    readonly dsn: string;
    readonly environment: string;
    readonly sampleRate: number;
    readonly rateLimitPerMinute: number;
  };
  readonly health: HealthConfig;
  readonly shutdownDelayMs: number;
  readonly shutdownTimeoutMs: number;
  readonly gitRevision: string;
}

function integer(min: number, max: number) {
  const accepts = `accepts an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\s*-?\d+\s*$/, { error: accepts })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: accepts }).max(max, { error: accepts }));
}

const port = () => integer(0, 65535).describe('port');

function ratio() {
  const accepts = 'accepts a number from 0 to 1';
  return z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*$/, { error: accepts })
    .transform(Number)
    .pipe(z.number().min(0, { error: accepts }).max(1, { error: accepts }));
}

function flag() {
  return z.enum(['true', 'false'], { error: 'accepts true or false' }).transform((v) => v === 'true');
}

function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  return z.enum(values, { error: `accepts one of ${values.join(', ')}` });
}

function url(protocols: readonly string[], what: string) {
  const accepts = `accepts a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')})`;
  return z.string({ error: `is required; ${accepts}` }).refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: accepts },
  );
}

function pattern(re: RegExp, accepts: string) {
  return z.string().regex(re, { error: accepts });
}

const bytes = () => integer(0, Number.MAX_SAFE_INTEGER);
const millis = (min: number, max: number) => integer(min, max);

/** One schema per contract variable; `satisfies` makes a forgotten variable a compile error. */
const VARIABLE_SCHEMAS = {
  APP_ENV: oneOf(APP_ENVS),
  LOG_LEVEL: oneOf(LOG_LEVELS),
  PORT: port(),
  WORKER_HEALTH_PORT: port(),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'PostgreSQL'),
  REDIS_URL: url(['redis:', 'rediss:'], 'Redis'),
  QUEUE_NAME: pattern(/^[A-Za-z0-9_.-]{1,100}$/, 'accepts 1 to 100 letters, digits, _ . or -'),
  WORKER_CONCURRENCY: integer(1, 1000),
  HTTP_ACTION_ALLOW_PRIVATE: flag(),
  METRICS_ENABLED: flag(),
  METRICS_PORT: port(),
  TRACING_ENABLED: flag(),
  TRACING_ENDPOINT: pattern(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'accepts host:port (no scheme)'),
  TRACING_SAMPLE_RATE: ratio(),
  TRACING_SERVICE_NAME: pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'accepts 1 to 64 letters, digits, _ . or -'),
  SENTRY_ENABLED: flag(),
  SENTRY_DSN: z.string().refine((v) => v === '' || /^https?:\/\/[^@\s]+@[^/\s]+\/\S+$/.test(v), {
    error: 'accepts a Sentry DSN (https://KEY@HOST/PROJECT) or empty',
  }),
  SENTRY_ENVIRONMENT: pattern(/^[A-Za-z0-9_.-]{1,64}$/, 'accepts 1 to 64 letters, digits, _ . or -'),
  SENTRY_SAMPLE_RATE: ratio(),
  SENTRY_RATE_LIMIT_PER_MINUTE: integer(1, 10_000),
  LISTEN_HOST: pattern(/^[A-Za-z0-9.:-]+$/, 'accepts an IP address or host name'),
  DATABASE_SCHEMA: pattern(/^[a-z_][a-z0-9_]{0,62}$/, 'accepts a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)'),
  QUEUE_PREFIX: pattern(/^[A-Za-z0-9_.-]{1,100}$/, 'accepts 1 to 100 letters, digits, _ . or -'),
  QUEUE_DEPTH_INTERVAL_MS: millis(10, 3_600_000),
  QUEUE_DEPTH_TIMEOUT_MS: millis(10, 60_000),
  API_BODY_LIMIT_BYTES: integer(1024, 100 * 1024 * 1024),
  HEALTH_CHECK_TIMEOUT_MS: millis(10, 10_000),
  HEALTH_CACHE_TTL_MS: millis(0, 60_000),
  HEALTH_CHECK_INTERVAL_MS: millis(100, 3_600_000),
  HEALTH_MEMORY_LIMIT_BYTES: z.union([z.literal(''), bytes()], {
    error: 'accepts a number of bytes, or empty to read the cgroup limit',
  }),
  HEALTH_MEMORY_MAX_RATIO: ratio(),
  HEALTH_DISK_PATH: pattern(/^\/.*$/, 'accepts an absolute path'),
  HEALTH_DISK_MIN_FREE_BYTES: bytes(),
  WORKER_LOCK_DURATION_MS: millis(500, 3_600_000),
  WORKER_STALLED_INTERVAL_MS: millis(500, 3_600_000),
  METRICS_MAX_WORKFLOW_SERIES: integer(1, 1_000_000),
  // At least 60 s: four scrapes at the 15 s interval see a pair's last values before it goes, and workflows
  // run every few minutes keep their series instead of churning new ones. At most a week: longer idle pairs
  // are better left to a restart, and the sweep interval stays far below Node's 24.8-day timer limit.
  METRICS_WORKFLOW_SERIES_IDLE_SECONDS: integer(60, 604_800),
  SHUTDOWN_DELAY_MS: millis(0, 600_000),
  SHUTDOWN_TIMEOUT_MS: millis(100, 3_600_000),
  GIT_REVISION: pattern(/^[A-Za-z0-9._-]{1,64}$/, 'accepts 1 to 64 letters, digits, _ . or -'),
} satisfies Record<EnvVarName, z.ZodType>;

const ENV_SCHEMA = z.object(VARIABLE_SCHEMAS).superRefine((env, ctx) => {
  if (env.SENTRY_ENABLED && env.SENTRY_DSN === '') {
    ctx.addIssue({ code: 'custom', path: ['SENTRY_DSN'], message: 'is required when SENTRY_ENABLED=true; accepts a Sentry DSN (https://KEY@HOST/PROJECT)' });
  }
});

const SPECS = new Map<string, (typeof ENV_VARS)[number]>(ENV_VARS.map((spec) => [spec.name, spec]));

/** The raw string of each variable: the environment's value, or the contract's default when unset or empty. */
function rawValues(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  for (const spec of ENV_VARS) {
    const value = env[spec.name];
    const fallback = 'default' in spec ? spec.default : undefined;
    raw[spec.name] = value === undefined || (value === '' && fallback !== undefined) ? fallback : value;
  }
  return raw;
}

function describeValue(name: string, raw: string | undefined): string {
  if (raw === undefined) return name;
  // Secrets are never echoed, not even in an error message.
  return SPECS.get(name)?.secret ? name : `${name}=${JSON.stringify(raw)}`;
}

type ParsedEnv = z.infer<typeof ENV_SCHEMA>;
type PortVariable = 'PORT' | 'WORKER_HEALTH_PORT' | 'METRICS_PORT';

/** The ports each service listens on: METRICS_PORT only while its metrics server runs. */
function listeningPorts(service: 'api' | 'worker', v: ParsedEnv): PortVariable[] {
  return [service === 'api' ? 'PORT' : 'WORKER_HEALTH_PORT', ...(v.METRICS_ENABLED ? (['METRICS_PORT'] as const) : [])];
}

/**
 * Two servers of one process on the same port would fail with EADDRINUSE
 * after startup; said here instead, naming both variables. 0 (a free port
 * chosen at listen time, which the tests use) never collides. Ports of
 * different processes (the API's PORT, the worker's WORKER_HEALTH_PORT) may
 * be equal.
 */
function portCollisions(service: 'api' | 'worker', v: ParsedEnv, raw: Record<string, string | undefined>): string[] {
  const names = listeningPorts(service, v);
  const problems: string[] = [];
  names.forEach((name, i) => {
    for (const other of names.slice(i + 1)) {
      if (v[name] !== 0 && v[name] === v[other]) {
        problems.push(
          `${describeValue(name, raw[name])} and ${describeValue(other, raw[other])}: the ${service} listens on both, so they must differ (0 picks a free port)`,
        );
      }
    }
  });
  return problems;
}

/**
 * Reads and checks the configuration; throws ConfigError listing every bad
 * variable. With the service that will run it, also checks that the ports
 * that service listens on differ.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, service?: 'api' | 'worker'): RuntimeConfig {
  const raw = rawValues(env);
  const parsed = ENV_SCHEMA.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'configuration');
      const message = raw[name] === undefined ? `is required; ${issue.message.replace(/^is required; /, '')}` : issue.message;
      return `${describeValue(name, raw[name])}: ${message}`;
    });
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  const collisions = service ? portCollisions(service, v, raw) : [];
  if (collisions.length > 0) throw new ConfigError(collisions);
  return {
    appEnv: v.APP_ENV,
    logLevel: v.LOG_LEVEL,
    listenHost: v.LISTEN_HOST,
    port: v.PORT,
    workerHealthPort: v.WORKER_HEALTH_PORT,
    databaseUrl: v.DATABASE_URL,
    databaseSchema: v.DATABASE_SCHEMA,
    redisUrl: v.REDIS_URL,
    queueName: v.QUEUE_NAME,
    queuePrefix: v.QUEUE_PREFIX,
    queueDepthIntervalMs: v.QUEUE_DEPTH_INTERVAL_MS,
    queueDepthTimeoutMs: v.QUEUE_DEPTH_TIMEOUT_MS,
    workerConcurrency: v.WORKER_CONCURRENCY,
    workerLockDurationMs: v.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: v.WORKER_STALLED_INTERVAL_MS,
    httpActionAllowPrivate: v.HTTP_ACTION_ALLOW_PRIVATE,
    apiBodyLimitBytes: v.API_BODY_LIMIT_BYTES,
    metrics: {
      enabled: v.METRICS_ENABLED,
      port: v.METRICS_PORT,
      workflowSeriesLimit: v.METRICS_MAX_WORKFLOW_SERIES,
      workflowSeriesIdleSeconds: v.METRICS_WORKFLOW_SERIES_IDLE_SECONDS,
    },
    tracing: {
      enabled: v.TRACING_ENABLED,
      endpoint: v.TRACING_ENDPOINT,
      sampleRate: v.TRACING_SAMPLE_RATE,
      serviceName: v.TRACING_SERVICE_NAME,
    },
    sentry: {
      enabled: v.SENTRY_ENABLED,
      dsn: v.SENTRY_DSN,
      environment: v.SENTRY_ENVIRONMENT,
      sampleRate: v.SENTRY_SAMPLE_RATE,
      rateLimitPerMinute: v.SENTRY_RATE_LIMIT_PER_MINUTE,
    },
    health: {
      timeoutMs: v.HEALTH_CHECK_TIMEOUT_MS,
      cacheTtlMs: v.HEALTH_CACHE_TTL_MS,
      intervalMs: v.HEALTH_CHECK_INTERVAL_MS,
      memoryLimitBytes: v.HEALTH_MEMORY_LIMIT_BYTES === '' ? undefined : v.HEALTH_MEMORY_LIMIT_BYTES,
      memoryMaxRatio: v.HEALTH_MEMORY_MAX_RATIO,
      diskPath: v.HEALTH_DISK_PATH,
      diskMinFreeBytes: v.HEALTH_DISK_MIN_FREE_BYTES,
    },
    shutdownDelayMs: v.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    gitRevision: v.GIT_REVISION,
  };
}

/** The secrets of a configuration, for scrubbing from error messages. */
export function configSecrets(config: RuntimeConfig): string[] {
  return [config.databaseUrl, config.redisUrl, config.sentry.dsn].filter((s) => s !== '');
}

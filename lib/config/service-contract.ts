/**
 * The services' externally visible contract: ports, port names, probe paths
 * and environment variables. The services listen and read from here and the
 * Kubernetes constructs configure from here, so they cannot disagree.
 */

export const PORTS = {
  /** The API's traffic and health port (PORT). */
  apiHttp: 8080,
  /** The worker's health port (WORKER_HEALTH_PORT). */
  workerHealth: 8081,
  /** Both services' metrics port (METRICS_PORT). */
  metrics: 9090,
} as const;

/** Container port names; Prometheus' pod discovery keeps only `metrics`. */
export const PORT_NAMES = { http: 'http', health: 'health', metrics: 'metrics' } as const;

export const HEALTH_PATHS = {
  live: '/health/live',
  ready: '/health/ready',
  startup: '/health/startup',
} as const;

export const METRICS_PATH = '/metrics';

export interface EnvVarSpec {
  readonly name: string;
  /** The default as written in .env.example; undefined means required. */
  readonly default?: string;
  readonly description: string;
  /** Only ever delivered through a Kubernetes Secret, never a ConfigMap. */
  readonly secret: boolean;
  /** Which processes read it. */
  readonly services: readonly ('api' | 'worker')[];
}

const both = ['api', 'worker'] as const;

/** Every environment variable the services read, in .env.example order. */
export const ENV_VARS = [
  { name: 'APP_ENV', default: 'development', description: 'Deployment environment name (development, dev, staging, production).', secret: false, services: both },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.', secret: false, services: both },
  { name: 'PORT', default: String(PORTS.apiHttp), description: "The API's HTTP port (API routes and health probes).", secret: false, services: ['api'] },
  { name: 'WORKER_HEALTH_PORT', default: String(PORTS.workerHealth), description: "The worker's health probe port.", secret: false, services: ['worker'] },
  { name: 'DATABASE_URL', description: 'PostgreSQL connection string.', secret: true, services: both },
  { name: 'REDIS_URL', description: 'Redis connection string for the BullMQ queue.', secret: true, services: both },
  { name: 'QUEUE_NAME', default: 'default', description: 'The BullMQ queue workflow executions go through.', secret: false, services: both },
  { name: 'WORKER_CONCURRENCY', default: '10', description: 'Executions one worker process runs at once.', secret: false, services: ['worker'] },
  { name: 'HTTP_ACTION_ALLOW_PRIVATE', default: 'false', description: 'Let action:http steps call private and loopback addresses (tests and local stacks only).', secret: false, services: ['worker'] },
  { name: 'METRICS_ENABLED', default: 'true', description: 'Serve Prometheus metrics on METRICS_PORT.', secret: false, services: both },
  { name: 'METRICS_PORT', default: String(PORTS.metrics), description: 'Port of the separate /metrics server.', secret: false, services: both },
  { name: 'TRACING_ENABLED', default: 'false', description: 'Export OpenTelemetry traces over OTLP/gRPC.', secret: false, services: both },
  { name: 'TRACING_ENDPOINT', default: 'localhost:4317', description: 'OTLP/gRPC collector address, host:port.', secret: false, services: both },
  { name: 'TRACING_SAMPLE_RATE', default: '1.0', description: 'Share of new traces sampled, 0 to 1 (parent-based).', secret: false, services: both },
  { name: 'TRACING_SERVICE_NAME', default: 'gorax', description: 'service.name prefix; the services append -api / -worker.', secret: false, services: both },
  { name: 'SENTRY_ENABLED', default: 'false', description: 'Report errors to Sentry.', secret: false, services: both },
  { name: 'SENTRY_DSN', default: '', description: 'Sentry DSN; required when SENTRY_ENABLED=true.', secret: true, services: both },
  { name: 'SENTRY_ENVIRONMENT', default: 'development', description: 'Sentry environment tag.', secret: false, services: both },
  { name: 'SENTRY_SAMPLE_RATE', default: '1.0', description: 'Share of error events sent to Sentry, 0 to 1.', secret: false, services: both },
  { name: 'SENTRY_RATE_LIMIT_PER_MINUTE', default: '10', description: 'Sentry events sent per fingerprint (workflow and step type) per minute; the rest are dropped, so an error storm cannot exhaust the quota.', secret: false, services: both },
  { name: 'LISTEN_HOST', default: '0.0.0.0', description: 'Address the HTTP, health and metrics servers bind to.', secret: false, services: both },
  { name: 'DATABASE_SCHEMA', default: 'public', description: 'PostgreSQL schema holding the tables (the connections\' search_path).', secret: false, services: both },
  { name: 'QUEUE_PREFIX', default: 'bull', description: 'BullMQ key prefix in Redis.', secret: false, services: both },
  { name: 'QUEUE_DEPTH_INTERVAL_MS', default: '30000', description: 'How often the API reads the queue depth from Redis for gorax_queue_depth.', secret: false, services: ['api'] },
  { name: 'QUEUE_DEPTH_TIMEOUT_MS', default: '2000', description: 'Timeout of one queue depth read; on timeout the last good value stays.', secret: false, services: ['api'] },
  { name: 'API_BODY_LIMIT_BYTES', default: '1048576', description: 'Largest accepted request body; larger bodies get 413.', secret: false, services: ['api'] },
  { name: 'HEALTH_CHECK_TIMEOUT_MS', default: '500', description: 'Timeout of each readiness check (database, Redis, queue, memory, disk).', secret: false, services: both },
  { name: 'HEALTH_CACHE_TTL_MS', default: '1000', description: 'How long readiness results are reused, so probe storms never reach the dependencies.', secret: false, services: both },
  { name: 'HEALTH_CHECK_INTERVAL_MS', default: '10000', description: 'How often the checks run in the background to keep gorax_health_check_status current.', secret: false, services: both },
  { name: 'HEALTH_MEMORY_LIMIT_BYTES', default: '', description: 'Memory limit the memory check compares resident memory with; empty reads the cgroup limit.', secret: false, services: both },
  { name: 'HEALTH_MEMORY_MAX_RATIO', default: '0.9', description: 'Resident memory share of the limit above which the memory check fails, 0 to 1.', secret: false, services: both },
  { name: 'HEALTH_DISK_PATH', default: '/tmp', description: 'Filesystem path whose free space the disk check measures.', secret: false, services: both },
  { name: 'HEALTH_DISK_MIN_FREE_BYTES', default: '104857600', description: 'Free bytes below which the disk check fails.', secret: false, services: both },
  { name: 'WORKER_LOCK_DURATION_MS', default: '30000', description: 'BullMQ job lock duration: how long a silent (killed) worker keeps its jobs.', secret: false, services: ['worker'] },
  { name: 'WORKER_STALLED_INTERVAL_MS', default: '30000', description: 'How often the worker looks for jobs whose worker died and takes them back.', secret: false, services: ['worker'] },
  { name: 'METRICS_MAX_WORKFLOW_SERIES', default: '1000', description: 'Tenant/workflow label pairs one worker process keeps series for; past it, new pairs are recorded as __overflow__ (counted by gorax_metrics_cardinality_overflow_total) until idle pairs are evicted (METRICS_WORKFLOW_SERIES_IDLE_SECONDS).', secret: false, services: ['worker'] },
  { name: 'METRICS_WORKFLOW_SERIES_IDLE_SECONDS', default: '3600', description: 'Seconds without a recording after which a tenant/workflow pair and its step series leave the exposition and free their place under METRICS_MAX_WORKFLOW_SERIES; swept every such period, so a pair goes one to two periods after its last recording (60 to 604800).', secret: false, services: ['worker'] },
  { name: 'SHUTDOWN_DELAY_MS', default: '0', description: 'After SIGTERM, how long readiness answers 503 before the API stops accepting requests.', secret: false, services: both },
  { name: 'SHUTDOWN_TIMEOUT_MS', default: '25000', description: 'Grace period for draining on SIGTERM; past it the process exits 1.', secret: false, services: both },
  { name: 'GIT_REVISION', default: 'unknown', description: 'Source revision reported by gorax_build_info.', secret: false, services: both },
] as const satisfies readonly EnvVarSpec[];

export type EnvVarName = (typeof ENV_VARS)[number]['name'];

/**
 * Starts the API in this process: the HTTP server on PORT (API and probes),
 * the metrics server on METRICS_PORT, migrations, the queue depth collector
 * and background health checks. Used by bin/api.ts and by tests, which get
 * the bound ports back (port 0 picks a free one) and call close().
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { configSecrets, type RuntimeConfig } from '../config/runtime-config';
import { databaseCheck, queueCheck, redisCheck } from '../health/dependency-checks';
import { diskCheck } from '../health/disk-check';
import { HealthMonitor } from '../health/health-monitor';
import { memoryCheck } from '../health/memory-check';
import { retryUntilReady } from '../lifecycle/retry-until-ready';
import { sleep } from '../lifecycle/with-timeout';
import { createLogger, type Logger } from '../logging/logger';
import { createSecretScrubber } from '../logging/secret-scrubber';
import { registerBuildInfo } from '../metrics/build-info-metric';
import { createProcessRegistry } from '../metrics/catalog-registry';
import { HttpMetrics } from '../metrics/http-metrics';
import { startMetricsServer } from '../metrics/metrics-server';
import { QueueDepthCollector } from '../metrics/queue-depth-collector';
import { ExecutionQueue } from '../queue/execution-queue';
import { createDatabasePool } from '../storage/database-pool';
import { ExecutionRepository } from '../storage/execution-repository';
import { runMigrations } from '../storage/migrator';
import { WorkflowRepository } from '../storage/workflow-repository';
import { buildApiServer } from './api-server';

export interface StartOptions {
  /** Where log lines go (stdout by default). */
  readonly logDestination?: DestinationStream;
  /** Resolve as soon as the servers listen instead of after migrations and connections (default true). */
  readonly waitForStartup?: boolean;
}

export interface ApiHandle {
  readonly port: number;
  /** undefined when METRICS_ENABLED=false. */
  readonly metricsPort: number | undefined;
  readonly app: FastifyInstance;
  readonly registry: Registry | undefined;
  readonly health: HealthMonitor;
  readonly queueDepth: QueueDepthCollector | undefined;
  readonly logger: Logger;
  /** Resolves when migrations ran and connections are up. */
  readonly started: Promise<void>;
  close(): Promise<void>;
}

export function boundPort(server: FastifyInstance): number {
  return (server.server.address() as AddressInfo).port;
}

export async function startApi(config: RuntimeConfig, options: StartOptions = {}): Promise<ApiHandle> {
  const logger = createLogger({ level: config.logLevel, service: 'api', destination: options.logDestination, secrets: configSecrets(config) });
  const scrub = createSecretScrubber(configSecrets(config));
  const registry = config.metrics.enabled ? createProcessRegistry() : undefined;
  if (registry) registerBuildInfo(registry, 'api', config.gitRevision);
  const httpMetrics = registry ? new HttpMetrics(registry) : undefined;

  const pool = createDatabasePool({ databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  pool.on('error', (error) => logger.warn({ err: { message: scrub(error.message) } }, 'idle database connection failed'));
  const queue = new ExecutionQueue({ redisUrl: config.redisUrl, queueName: config.queueName, prefix: config.queuePrefix });
  const health = new HealthMonitor(
    [
      databaseCheck(pool),
      redisCheck(queue),
      queueCheck(queue),
      memoryCheck({ limitBytes: config.health.memoryLimitBytes, maxRatio: config.health.memoryMaxRatio }),
      diskCheck(config.health.diskPath, config.health.diskMinFreeBytes),
    ],
    { ...config.health, registry, logger, scrub },
  );
  const queueDepth = registry
    ? new QueueDepthCollector(registry, queue, {
        intervalMs: config.queueDepthIntervalMs,
        timeoutMs: config.queueDepthTimeoutMs,
        logger,
      })
    : undefined;

  const app = buildApiServer({
    logger,
    scrub,
    bodyLimitBytes: config.apiBodyLimitBytes,
    health,
    httpMetrics,
    workflows: new WorkflowRepository(pool),
    executions: new ExecutionRepository(pool),
    queue,
    traceRequests: config.tracing.enabled ? { sampleRate: config.tracing.sampleRate } : undefined,
  });
  await app.listen({ host: config.listenHost, port: config.port });
  const metricsServer = registry ? await startMetricsServer(registry, config.listenHost, config.metrics.port) : undefined;
  const port = boundPort(app);
  const metricsPort = metricsServer ? boundPort(metricsServer) : undefined;
  logger.info({ port, metricsPort: metricsPort ?? null }, 'api listening');

  const stopStartup = new AbortController();
  const started = (async () => {
    const retry = { logger, scrub, signal: stopStartup.signal };
    const migrations = await retryUntilReady('database migrations', () => runMigrations(pool, config.databaseSchema), retry);
    await retryUntilReady('redis connection', () => queue.ping(), retry);
    health.markStarted();
    health.startBackgroundChecks();
    queueDepth?.start();
    logger.info({ migrationsApplied: migrations.applied }, 'api started');
  })();
  started.catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      health.markShuttingDown();
      stopStartup.abort();
      if (config.shutdownDelayMs > 0) await sleep(config.shutdownDelayMs);
      await app.close();
      await queueDepth?.stop();
      await health.stop();
      await started.catch(() => undefined);
      await queue.close();
      await pool.end();
      await metricsServer?.close();
      logger.info('api closed');
    })());

  if (options.waitForStartup ?? true) await started;
  return { port, metricsPort, app, registry, health, queueDepth, logger, started, close };
}

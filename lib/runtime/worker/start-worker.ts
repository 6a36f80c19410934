/**
 * Starts the worker in this process: the health server on
 * WORKER_HEALTH_PORT, the metrics server on METRICS_PORT, migrations, and the
 * BullMQ worker. Used by bin/worker.ts and by tests.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { boundPort, type StartOptions } from '../api/start-api';
import { configSecrets, type RuntimeConfig } from '../config/runtime-config';
import { WorkflowExecutor } from '../executor/workflow-executor';
import { createStepHandlers } from '../executor/steps';
import { databaseCheck, queueCheck, redisCheck } from '../health/dependency-checks';
import { diskCheck } from '../health/disk-check';
import { HealthMonitor } from '../health/health-monitor';
import { registerHealthRoutes } from '../health/health-routes';
import { memoryCheck } from '../health/memory-check';
import { retryUntilReady } from '../lifecycle/retry-until-ready';
import { createLogger, type Logger } from '../logging/logger';
import { createSecretScrubber } from '../logging/secret-scrubber';
import { registerBuildInfo } from '../metrics/build-info-metric';
import { createProcessRegistry } from '../metrics/catalog-registry';
import { startMetricsServer } from '../metrics/metrics-server';
import { WorkerSlotsMetric } from '../metrics/worker-slots-metric';
import { type IdleSweep, WorkflowMetrics } from '../metrics/workflow-metrics';
import { ExecutionQueue } from '../queue/execution-queue';
import { createDatabasePool } from '../storage/database-pool';
import { ExecutionRepository } from '../storage/execution-repository';
import { runMigrations } from '../storage/migrator';
import { ExecutionWorker } from './execution-worker';
import { ORPHAN_SWEEP, OrphanedExecutionSweeper } from './orphaned-execution-sweeper';

export interface WorkerHandle {
  readonly healthPort: number;
  readonly metricsPort: number | undefined;
  readonly registry: Registry | undefined;
  readonly health: HealthMonitor;
  readonly executor: WorkflowExecutor;
  readonly logger: Logger;
  readonly started: Promise<void>;
  close(): Promise<void>;
}

export async function startWorker(config: RuntimeConfig, options: StartOptions = {}): Promise<WorkerHandle> {
  const logger = createLogger({ level: config.logLevel, service: 'worker', destination: options.logDestination, secrets: configSecrets(config) });
  const scrub = createSecretScrubber(configSecrets(config));
  const registry = config.metrics.enabled ? createProcessRegistry() : undefined;
  if (registry) registerBuildInfo(registry, 'worker', config.gitRevision);
  const workflowMetrics = registry ? new WorkflowMetrics(registry, config.metrics.workflowSeriesLimit) : undefined;
  let idleSweep: IdleSweep | undefined;
  const slots = registry ? new WorkerSlotsMetric(registry) : undefined;

  const pool = createDatabasePool({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    // Each running execution uses at most one connection at a time, plus health checks.
    max: Math.min(config.workerConcurrency + 2, 50),
  });
  pool.on('error', (error) => logger.warn({ err: { message: scrub(error.message) } }, 'idle database connection failed'));
  const queue = new ExecutionQueue({ redisUrl: config.redisUrl, queueName: config.queueName, prefix: config.queuePrefix });
  const steps = createStepHandlers({ allowPrivate: config.httpActionAllowPrivate });
  const executions = new ExecutionRepository(pool);
  const executor = new WorkflowExecutor({
    executions,
    handlers: steps.handlers,
    metrics: workflowMetrics,
    logger,
    scrub,
  });
  const sweeper = new OrphanedExecutionSweeper({ executions, queue, executor, logger, ...ORPHAN_SWEEP });
  let worker: ExecutionWorker | undefined;
  const health = new HealthMonitor(
    [
      databaseCheck(pool),
      redisCheck(queue),
      queueCheck(queue, () => worker?.isTakingJobs() ?? false),
      memoryCheck({ limitBytes: config.health.memoryLimitBytes, maxRatio: config.health.memoryMaxRatio }),
      diskCheck(config.health.diskPath, config.health.diskMinFreeBytes),
    ],
    { ...config.health, registry, logger, scrub },
  );

  const healthServer: FastifyInstance = Fastify({ logger: false });
  registerHealthRoutes(healthServer, health);
  await healthServer.listen({ host: config.listenHost, port: config.workerHealthPort });
  const metricsServer = registry ? await startMetricsServer(registry, config.listenHost, config.metrics.port) : undefined;
  const healthPort = boundPort(healthServer);
  const metricsPort = metricsServer ? boundPort(metricsServer) : undefined;
  logger.info({ healthPort, metricsPort: metricsPort ?? null }, 'worker listening');

  const stopStartup = new AbortController();
  const started = (async () => {
    const retry = { logger, scrub, signal: stopStartup.signal };
    await retryUntilReady('database migrations', () => runMigrations(pool, config.databaseSchema), retry);
    await retryUntilReady('redis connection', () => queue.ping(), retry);
    if (stopStartup.signal.aborted) return;
    worker = new ExecutionWorker({
      redisUrl: config.redisUrl,
      queueName: config.queueName,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
      lockDurationMs: config.workerLockDurationMs,
      stalledIntervalMs: config.workerStalledIntervalMs,
      executor,
      slots,
      logger,
    });
    await worker.start();
    sweeper.start();
    // Forgets idle tenant/workflow pairs, so a long-running worker keeps room under the limit for new ones.
    idleSweep = workflowMetrics?.startIdleSweep(config.metrics.workflowSeriesIdleSeconds);
    health.markStarted();
    health.startBackgroundChecks();
    logger.info({ concurrency: config.workerConcurrency, queue: config.queueName }, 'worker started');
  })();
  started.catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      health.markShuttingDown();
      stopStartup.abort();
      await started.catch(() => undefined);
      // Stops taking jobs and lets the running executions finish.
      await worker?.close();
      await sweeper.stop();
      idleSweep?.stop();
      await health.stop();
      await steps.close();
      await queue.close();
      await pool.end();
      await healthServer.close();
      await metricsServer?.close();
      logger.info('worker closed');
    })());

  if (options.waitForStartup ?? true) await started;
  return { healthPort, metricsPort, registry, health, executor, logger, started, close };
}

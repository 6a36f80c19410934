/**
 * The API's Fastify server. Every plugin is registered here, in order, so
 * that the tracing and error-reporting issues have one place to add theirs.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { HealthMonitor } from '../health/health-monitor';
import { registerHealthRoutes } from '../health/health-routes';
import type { Logger } from '../logging/logger';
import type { SecretScrubber } from '../logging/secret-scrubber';
import type { HttpMetrics } from '../metrics/http-metrics';
import type { ExecutionQueue } from '../queue/execution-queue';
import type { ExecutionRepository } from '../storage/execution-repository';
import type { WorkflowRepository } from '../storage/workflow-repository';
import { registerRequestSpans } from '../tracing/request-spans';
import { registerErrorHandling } from './plugins/error-handling';
import { registerHttpMetrics } from './plugins/http-metrics';
import { registerJsonBodyParser } from './plugins/json-body-parser';
import { registerRequestLogging } from './plugins/request-logging';
import { registerExecutionRoutes } from './routes/execution-routes';
import { registerWorkflowRoutes } from './routes/workflow-routes';
import { requireTenant } from './tenant';

export const API_PREFIX = '/api/v1';

export interface ApiServerDeps {
  readonly logger: Logger;
  readonly scrub: SecretScrubber;
  readonly bodyLimitBytes: number;
  readonly health: HealthMonitor;
  readonly httpMetrics: HttpMetrics | undefined;
  readonly workflows: WorkflowRepository;
  readonly executions: ExecutionRepository;
  readonly queue: ExecutionQueue;
  /** A SERVER span per request (TRACING_ENABLED), new traces sampled at sampleRate; without it no request hook of tracing runs. */
  readonly traceRequests?: { readonly sampleRate: number };
}

export function buildApiServer(deps: ApiServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Our own one-line-per-request log (request-logging.ts) replaces Fastify's two lines.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes,
    // In-flight requests finish on close; idle keep-alive connections are closed.
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;

  // First, so every later hook, the body parser and the handler run in the request's span context.
  if (deps.traceRequests) registerRequestSpans(app, deps.traceRequests.sampleRate);
  registerJsonBodyParser(app);
  registerRequestLogging(app);
  if (deps.httpMetrics) registerHttpMetrics(app, deps.httpMetrics);
  registerErrorHandling(app, deps.scrub);
  registerHealthRoutes(app, deps.health);
  app.register(
    async (api) => {
      requireTenant(api);
      registerWorkflowRoutes(api, deps.workflows);
      registerExecutionRoutes(api, deps);
    },
    { prefix: API_PREFIX },
  );
  return app;
}

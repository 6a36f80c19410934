/**
 * The probe endpoints, the same on the API and the worker:
 * live checks nothing external; ready runs the cached checks (503 while
 * starting, failing or shutting down); startup is 200 once migrations ran
 * and the connections are up.
 */
import type { FastifyInstance } from 'fastify';
import { HEALTH_PATHS } from '../../config/service-contract';
import type { HealthMonitor } from './health-monitor';

export function registerHealthRoutes(app: FastifyInstance, monitor: HealthMonitor): void {
  app.get(HEALTH_PATHS.live, async () => ({ status: 'ok' }));

  app.get(HEALTH_PATHS.ready, async (_request, reply) => {
    const report = await monitor.readiness();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get(HEALTH_PATHS.startup, async (_request, reply) => {
    const started = monitor.isStarted;
    return reply.code(started ? 200 : 503).send({ status: started ? 'ok' : 'starting' });
  });
}

export function isProbePath(url: string | undefined): boolean {
  return url === HEALTH_PATHS.live || url === HEALTH_PATHS.ready || url === HEALTH_PATHS.startup;
}

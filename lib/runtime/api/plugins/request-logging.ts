/**
 * One log line per answered request: method, route template, status,
 * duration and tenant. Never headers or bodies. Probes log at debug only.
 */
import type { FastifyInstance } from 'fastify';
import { UNMATCHED_ROUTE } from '../../../catalog/labels';
import { isProbePath } from '../../health/health-routes';
import { TENANT_HEADER, TENANT_PATTERN } from '../tenant';

export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const tenantHeader = request.headers[TENANT_HEADER];
    const line = {
      method: request.method,
      route,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      // A malformed header is not echoed into logs.
      tenant: typeof tenantHeader === 'string' && TENANT_PATTERN.test(tenantHeader) ? tenantHeader : undefined,
    };
    if (isProbePath(request.routeOptions.url)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}

/**
 * gorax_http_requests_total and gorax_http_request_duration_seconds from
 * Fastify's onResponse hook: `path` is the matched route template, the
 * catalog's UNMATCHED_ROUTE when nothing matched, so no URL creates a series.
 * Probe requests are left out: they are the orchestrator's, not traffic, and
 * a failing readiness probe would otherwise count as API errors. A sampled
 * request's trace id is kept as the duration bucket's exemplar.
 */
import type { FastifyInstance } from 'fastify';
import { isProbePath } from '../../health/health-routes';
import type { HttpMetrics } from '../../metrics/http-metrics';
import { traceExemplar } from '../../tracing/spans';

export function registerHttpMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (!isProbePath(route)) metrics.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000, traceExemplar());
    done();
  });
}

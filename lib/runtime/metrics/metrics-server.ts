/**
 * The separate /metrics server on METRICS_PORT: only the metrics path,
 * nothing else, so the scrape port exposes no API or probe.
 *
 * A scraper that accepts OpenMetrics (Prometheus does) gets it, with the
 * duration histograms' trace_id exemplars; anything else gets the
 * Prometheus text format (which has no exemplars, and which promtool 2.42
 * can lint). The registry renders straight to the bytes sent.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { METRICS_PATH } from '../../config/service-contract';
import type { CatalogRegistry } from './catalog-registry';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition-text';

const ACCEPTS_OPENMETRICS = /application\/openmetrics-text/i;

export async function startMetricsServer(registry: CatalogRegistry, host: string, port: number): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get(METRICS_PATH, async (request, reply) => {
    const openMetrics = ACCEPTS_OPENMETRICS.test(request.headers.accept ?? '');
    const body = await registry.exposition(openMetrics);
    return reply.type(openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE).send(body);
  });
  await server.listen({ host, port });
  return server;
}

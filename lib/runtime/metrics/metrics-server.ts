/**
 * The separate /metrics server on METRICS_PORT: only the metrics path,
 * nothing else, so the scrape port exposes no API or probe.
 *
 * A scraper that accepts OpenMetrics (Prometheus does) gets it, with the
 * duration histograms' trace_id exemplars; anything else gets the
 * Prometheus text format (which has no exemplars, and which promtool 2.42
 * can lint). The registry's content type is registry-wide and rendering is
 * async, so renders are serialized.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry, RegistryContentType } from 'prom-client';
import { METRICS_PATH } from '../../config/service-contract';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition-text';

const ACCEPTS_OPENMETRICS = /application\/openmetrics-text/i;

/** Renders the registry in the asked format, one render at a time. */
function serializedRenderer(registry: Registry): (openMetrics: boolean) => Promise<{ body: string; contentType: string }> {
  const settable = registry as unknown as { setContentType(type: RegistryContentType): void };
  const original = registry.contentType as RegistryContentType;
  let previous: Promise<unknown> = Promise.resolve();
  return (openMetrics) => {
    const render = previous.then(async () => {
      // prom-client's OpenMetrics render renames every counter in place (drops `_total` from
      // metric.name) and never renames it back: keep the names, and restore them afterwards,
      // or every later text-format scrape would lose `_total`.
      const names = registry.getMetricsAsArray().map((metric) => [metric, metric.name] as const);
      settable.setContentType((openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE) as RegistryContentType);
      try {
        return { body: await registry.metrics(), contentType: registry.contentType as string };
      } finally {
        settable.setContentType(original);
        for (const [metric, name] of names) (metric as { name: string }).name = name;
      }
    });
    previous = render.catch(() => undefined);
    return render;
  };
}

export async function startMetricsServer(registry: Registry, host: string, port: number): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  const render = serializedRenderer(registry);
  server.get(METRICS_PATH, async (request, reply) => {
    const { body, contentType } = await render(ACCEPTS_OPENMETRICS.test(request.headers.accept ?? ''));
    return reply.type(contentType).send(body);
  });
  await server.listen({ host, port });
  return server;
}

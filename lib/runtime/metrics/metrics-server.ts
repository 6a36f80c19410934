/**
 * The separate /metrics server on METRICS_PORT: only the metrics path,
 * nothing else, so the scrape port exposes no API or probe.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { METRICS_PATH } from '../../config/service-contract';

export async function startMetricsServer(registry: Registry, host: string, port: number): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get(METRICS_PATH, async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  await server.listen({ host, port });
  return server;
}

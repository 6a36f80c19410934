/**
 * The /metrics server's format follows the scraper's Accept header, also
 * when OpenMetrics and text scrapes overlap (the registry's content type is
 * registry-wide, so renders are serialized); exemplars appear only in
 * OpenMetrics and only for sampled spans.
 */
import type { FastifyInstance } from 'fastify';
import { createProcessRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { HttpMetrics } from '../../../lib/runtime/metrics/http-metrics';
import { startMetricsServer } from '../../../lib/runtime/metrics/metrics-server';
import { traceExemplar, withSpan } from '../../../lib/runtime/tracing/spans';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

let tracing: InProcessTracing;
let server: FastifyInstance;
let url: string;
let sampledTraceId: string;

beforeAll(async () => {
  tracing = startInProcessTracing();
  const registry = createProcessRegistry();
  const http = new HttpMetrics(registry);
  sampledTraceId = await withSpan('request', {}, async () => {
    http.record('GET', '/api/v1/workflows/:id', 200, 0.003, traceExemplar());
    return traceExemplar()!.trace_id;
  });
  // Outside any span: no exemplar, and the bucket's earlier one (another bucket here) stays.
  http.record('GET', '/api/v1/workflows/:id', 200, 2, traceExemplar());
  server = await startMetricsServer(registry, '127.0.0.1', 0);
  url = `http://127.0.0.1:${(server.server.address() as { port: number }).port}/metrics`;
});

afterAll(async () => {
  await server?.close();
  await tracing?.stop();
});

const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(accept: string) {
  const response = await fetch(url, { headers: { accept } });
  return { type: response.headers.get('content-type') ?? '', text: await response.text() };
}

it('answers each overlapping scrape in the format it asked for', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => scrape(i % 2 === 0 ? OPENMETRICS_ACCEPT : 'text/plain')));
  answers.forEach((answer, i) => {
    if (i % 2 === 0) {
      expect(answer.type).toMatch(/^application\/openmetrics-text/);
      expect(answer.text.trimEnd().endsWith('# EOF')).toBe(true);
    } else {
      expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(answer.text).not.toContain('# EOF');
    }
  });
});

it('keeps counter names whole in the text format after OpenMetrics scrapes (prom-client renames them in place)', async () => {
  await scrape(OPENMETRICS_ACCEPT);
  const text = (await scrape('text/plain')).text;
  expect(text).toContain('gorax_http_requests_total{method="GET",path="/api/v1/workflows/:id",status="200"} 2');
  expect(text).toMatch(/^process_cpu_seconds_total \d/m);
  expect(text).not.toMatch(/^gorax_http_requests\{/m);
  const openMetrics = (await scrape(OPENMETRICS_ACCEPT)).text;
  expect(openMetrics).toContain('# TYPE gorax_http_requests counter');
  expect(openMetrics).toContain('gorax_http_requests_total{method="GET",path="/api/v1/workflows/:id",status="200"} 2');
});

it('puts the sampled trace id on exactly the bucket of its observation, in OpenMetrics only', async () => {
  const { text } = await scrape(OPENMETRICS_ACCEPT);
  const withExemplar = text.split('\n').filter((l) => l.includes('# {'));
  expect(withExemplar).toHaveLength(1);
  expect(withExemplar[0]).toMatch(new RegExp(`^gorax_http_request_duration_seconds_bucket\\{le="0\\.005",method="GET",path="/api/v1/workflows/:id"\\} 1 # \\{trace_id="${sampledTraceId}"\\} 0\\.003 \\d+(\\.\\d+)?$`));
  expect((await scrape('*/*')).text).not.toContain('trace_id');
});

/**
 * A real Prometheus 2.42 (Debian's) scrapes the OpenMetrics exposition of our
 * /metrics server: it parses it (the target is up, the counters keep their
 * _total names), and with exemplar storage on, query_exemplars returns the
 * trace id a sampled request left on its duration bucket.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createProcessRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { HttpMetrics } from '../../../lib/runtime/metrics/http-metrics';
import { startMetricsServer } from '../../../lib/runtime/metrics/metrics-server';
import { traceExemplar, withSpan } from '../../../lib/runtime/tracing/spans';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

let tracing: InProcessTracing;
let server: FastifyInstance;
let prometheus: ChildProcess;
let prometheusUrl: string;
let dir: string;
let traceId: string;

beforeAll(async () => {
  tracing = startInProcessTracing();
  const registry = createProcessRegistry();
  const http = new HttpMetrics(registry);
  traceId = await withSpan('request', {}, async () => {
    http.record('POST', '/api/v1/workflows/:id/executions', 202, 0.042, traceExemplar());
    return traceExemplar()!.trace_id;
  });
  server = await startMetricsServer(registry, '127.0.0.1', 0);
  const metricsPort = (server.server.address() as { port: number }).port;

  dir = mkdtempSync(join(tmpdir(), 'gorax-exemplars-'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: gorax-api\n    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]\n`,
  );
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=exemplar-storage',
  ], { stdio: 'ignore' });
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await server?.close();
  await tracing?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function query(path: string): Promise<any> {
  const response = await fetch(`${prometheusUrl}${path}`);
  const body = (await response.json()) as { status: string; data: any };
  return body.status === 'success' ? body.data : undefined;
}

it('parses the OpenMetrics exposition and stores the trace id exemplar', async () => {
  const series = await eventually(async () => {
    const data = await query(`/api/v1/query?query=${encodeURIComponent('gorax_http_requests_total{job="gorax-api"}')}`);
    return data?.result?.length > 0 ? data.result : undefined;
  }, { timeoutMs: 30_000, what: 'the counter scraped' });
  expect(series[0].metric).toMatchObject({ __name__: 'gorax_http_requests_total', method: 'POST', path: '/api/v1/workflows/:id/executions', status: '202' });

  const now = Date.now() / 1000;
  const exemplars = await eventually(async () => {
    const data = await query(`/api/v1/query_exemplars?query=gorax_http_request_duration_seconds_bucket&start=${now - 600}&end=${now + 600}`);
    return data?.length > 0 ? data : undefined;
  }, { timeoutMs: 30_000, what: 'exemplars' });
  expect(exemplars[0].seriesLabels).toMatchObject({ le: '0.05', path: '/api/v1/workflows/:id/executions' });
  expect(exemplars[0].exemplars.map((e: { labels: Record<string, string>; value: string }) => [e.labels, Number(e.value)])).toEqual([[{ trace_id: traceId }, 0.042]]);
});

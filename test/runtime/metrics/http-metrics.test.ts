import { Registry } from 'prom-client';
import { UNMATCHED_ROUTE } from '../../../lib/catalog/labels';
import { HttpMetrics } from '../../../lib/runtime/metrics/http-metrics';
import { parseMetrics, select, valueOf } from '../support/metrics-text';

describe('HttpMetrics', () => {
  it('records the route template, the numeric status and the duration', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    metrics.record('GET', '/api/v1/workflows/:id', 200, 0.02);
    metrics.record('GET', '/api/v1/workflows/:id', 200, 0.2);
    metrics.record('GET', '/api/v1/workflows/:id', 404, 0.001);
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'gorax_http_requests_total', { method: 'GET', path: '/api/v1/workflows/:id', status: '200' })).toBe(2);
    expect(valueOf(samples, 'gorax_http_requests_total', { method: 'GET', path: '/api/v1/workflows/:id', status: '404' })).toBe(1);
    expect(valueOf(samples, 'gorax_http_request_duration_seconds_count', { method: 'GET', path: '/api/v1/workflows/:id' })).toBe(3);
    expect(valueOf(samples, 'gorax_http_request_duration_seconds_bucket', { method: 'GET', le: '0.025' })).toBe(2);
  });

  it('records unmatched requests under one fixed path and ignores methods outside the catalog', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    expect(metrics.record('GET', undefined, 404, 0.001)).toBe(true);
    expect(metrics.record('GET', '/weird path with spaces', 404, 0.001)).toBe(true);
    expect(metrics.record('PROPFIND', undefined, 404, 0.001)).toBe(false);
    const samples = parseMetrics(await registry.metrics());
    expect(select(samples, 'gorax_http_requests_total')).toEqual([
      { name: 'gorax_http_requests_total', labels: { method: 'GET', path: UNMATCHED_ROUTE, status: '404' }, value: 2 },
    ]);
  });

  it('keeps exporting its cached series after Registry.resetMetrics(), from 0', async () => {
    const registry = new Registry();
    const metrics = new HttpMetrics(registry);
    metrics.record('GET', '/api/v1/workflows/:id', 200, 0.02);
    metrics.record('GET', '/api/v1/workflows/:id', 200, 0.02);
    registry.resetMetrics();
    metrics.record('GET', '/api/v1/workflows/:id', 200, 0.3);
    const samples = parseMetrics(await registry.metrics());
    const labels = { method: 'GET', path: '/api/v1/workflows/:id' };
    expect(valueOf(samples, 'gorax_http_requests_total', { ...labels, status: '200' })).toBe(1);
    expect(valueOf(samples, 'gorax_http_request_duration_seconds_count', labels)).toBe(1);
    expect(valueOf(samples, 'gorax_http_request_duration_seconds_sum', labels)).toBe(0.3);
    expect(valueOf(samples, 'gorax_http_request_duration_seconds_bucket', { ...labels, le: '0.025' })).toBe(0);
  });
});

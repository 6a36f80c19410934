import { GORAX_METRICS, DEFAULT_HTTP_BUCKETS, httpRequestsTotal } from '../../lib/catalog/metrics';
import { EXTERNAL_METRICS } from '../../lib/catalog/external-metrics';
import { defineMetric, isClosedLabel } from '../../lib/catalog/metric-definition';
import { STEP_TYPES } from '../../lib/catalog/step-types';

/** The contract's metric table, restated here on purpose: the catalog must match it. */
const CONTRACT: Record<string, { type: string; labels: string[] }> = {
  gorax_workflow_executions_total: { type: 'counter', labels: ['tenant_id', 'workflow_id', 'status'] },
  gorax_workflow_execution_duration_seconds: { type: 'histogram', labels: ['tenant_id', 'workflow_id'] },
  gorax_step_executions_total: { type: 'counter', labels: ['tenant_id', 'workflow_id', 'step_type', 'status'] },
  gorax_step_execution_duration_seconds: { type: 'histogram', labels: ['tenant_id', 'workflow_id', 'step_type'] },
  gorax_queue_depth: { type: 'gauge', labels: ['queue'] },
  gorax_active_workers: { type: 'gauge', labels: [] },
  gorax_http_requests_total: { type: 'counter', labels: ['method', 'path', 'status'] },
  gorax_http_request_duration_seconds: { type: 'histogram', labels: ['method', 'path'] },
  gorax_workflow_executions_in_progress: { type: 'gauge', labels: [] },
  gorax_health_check_status: { type: 'gauge', labels: ['check'] },
  gorax_build_info: { type: 'gauge', labels: ['service', 'version', 'revision'] },
  // Beyond the contract (issue 8): the cardinality guard's overflow count.
  gorax_metrics_cardinality_overflow_total: { type: 'counter', labels: [] },
};

const byName = new Map(GORAX_METRICS.map((m) => [m.name as string, m]));

describe('metric catalog', () => {
  it('declares exactly the metrics of the contract, each once', () => {
    expect([...byName.keys()].sort()).toEqual(Object.keys(CONTRACT).sort());
    expect(byName.size).toBe(GORAX_METRICS.length);
  });

  it.each(Object.entries(CONTRACT))('%s has the contract type and labels', (name, expected) => {
    const metric = byName.get(name)!;
    expect(metric.type).toBe(expected.type);
    expect(Object.keys(metric.labels)).toEqual(expected.labels);
    expect(metric.help.length).toBeGreaterThan(10);
    expect(metric.unit).not.toBe('');
  });

  it('closes the status label to the values the executor records', () => {
    for (const name of ['gorax_workflow_executions_total', 'gorax_step_executions_total']) {
      const status = (byName.get(name)!.labels as Record<string, unknown>)['status'];
      expect(status).toMatchObject({ values: ['completed', 'failed'] });
    }
  });

  it('closes step_type to the executor node types and check to the health checks', () => {
    const step = byName.get('gorax_step_executions_total')!.labels as Record<string, { values?: readonly string[] }>;
    expect(step['step_type']!.values).toEqual(STEP_TYPES);
    expect(STEP_TYPES).toContain('action:http');
    const check = byName.get('gorax_health_check_status')!.labels as Record<string, { values?: readonly string[] }>;
    expect(check['check']!.values).toEqual(['database', 'redis', 'queue', 'memory', 'disk']);
  });

  it('leaves data-valued labels open with a checked shape', () => {
    const http = httpRequestsTotal.labels;
    expect(isClosedLabel(http.status)).toBe(false);
    if (!isClosedLabel(http.status)) {
      expect(http.status.pattern.test('200')).toBe(true);
      expect(http.status.pattern.test('OK')).toBe(false);
    }
    if (!isClosedLabel(http.path)) {
      expect(http.path.pattern.test('/api/v1/workflows/:id')).toBe(true);
      expect(http.path.pattern.test('unmatched')).toBe(true);
      expect(http.path.pattern.test('https://example.com/x?y=1')).toBe(false);
    }
  });

  it('has the buckets of the contract', () => {
    expect(byName.get('gorax_workflow_execution_duration_seconds')!.buckets).toEqual([0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
    expect(byName.get('gorax_step_execution_duration_seconds')!.buckets).toEqual([0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30]);
    expect(byName.get('gorax_http_request_duration_seconds')!.buckets).toEqual(DEFAULT_HTTP_BUCKETS);
    expect(DEFAULT_HTTP_BUCKETS).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  });

  it('never collides with the external metrics it is checked against', () => {
    const external = new Set(EXTERNAL_METRICS.map((m) => m.name as string));
    for (const name of byName.keys()) expect(external.has(name)).toBe(false);
  });
});

describe('defineMetric', () => {
  it('rejects a counter without _total', () => {
    expect(() => defineMetric({ name: 'gorax_things', type: 'counter', help: 'x', unit: 'short', labels: {} })).toThrow(
      'counter "gorax_things" must end in _total',
    );
  });
  it('rejects a histogram without buckets and buckets on a gauge', () => {
    expect(() => defineMetric({ name: 'gorax_x_seconds', type: 'histogram', help: 'x', unit: 's', labels: {} })).toThrow(
      'buckets are required for histograms and only for histograms',
    );
    expect(() => defineMetric({ name: 'gorax_x', type: 'gauge', help: 'x', unit: 's', labels: {}, buckets: [1] })).toThrow(
      'buckets are required for histograms and only for histograms',
    );
  });
  it('rejects unsorted buckets, reserved labels and invalid names', () => {
    expect(() =>
      defineMetric({ name: 'gorax_x_seconds', type: 'histogram', help: 'x', unit: 's', labels: {}, buckets: [1, 0.5] }),
    ).toThrow('strictly ascending');
    expect(() =>
      defineMetric({ name: 'gorax_x', type: 'gauge', help: 'x', unit: 's', labels: { le: { description: 'x', pattern: /x/ } } }),
    ).toThrow('"le" is not a usable label name');
    expect(() => defineMetric({ name: 'gorax-x', type: 'gauge', help: 'x', unit: 's', labels: {} })).toThrow(
      '"gorax-x" is not a valid Prometheus metric name',
    );
  });
});

import { Registry } from 'prom-client';
import { OVERFLOW_LABEL_VALUE } from '../../../lib/catalog/labels';
import { CatalogRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { WorkflowMetrics } from '../../../lib/runtime/metrics/workflow-metrics';
import { parseMetrics, select, valueOf } from '../support/metrics-text';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('WorkflowMetrics', () => {
  it('caps distinct tenant/workflow pairs, recording later ones as __overflow__', async () => {
    const registry = new Registry();
    const metrics = new WorkflowMetrics(registry, 2);
    for (let n = 1; n <= 5; n++) metrics.recordExecution('acme', id(n), 'completed', 1);
    metrics.recordExecution('acme', id(1), 'failed', 1);
    const samples = parseMetrics(await registry.metrics());
    const completed = select(samples, 'gorax_workflow_executions_total', { status: 'completed' });
    expect(completed.map((s) => [s.labels.workflow_id, s.value])).toEqual([
      [id(1), 1],
      [id(2), 1],
      [OVERFLOW_LABEL_VALUE, 3],
    ]);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { workflow_id: id(1), status: 'failed' })).toBe(1);
  });

  it('counts every recording past the limit in gorax_metrics_cardinality_overflow_total, exactly', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 3);
    const overflowCount = async () => valueOf(parseMetrics(await registry.metrics()), 'gorax_metrics_cardinality_overflow_total');
    expect(await overflowCount()).toBe(0);
    // Three pairs fit (two tenants), each recorded twice with a step: nothing overflows.
    for (const [tenant, n] of [['acme', 1], ['acme', 2], ['globex', 3]] as const) {
      for (let i = 0; i < 2; i++) {
        metrics.recordStep(tenant, id(n), 'action:http', 'completed', 0.2);
        metrics.recordExecution(tenant, id(n), 'completed', 0.3);
      }
    }
    expect(await overflowCount()).toBe(0);
    expect(metrics.workflowPairs).toBe(3);
    // Seven new pairs, one execution and two steps each: 7 * 3 recordings overflow; known pairs still do not.
    for (let n = 4; n <= 10; n++) {
      metrics.recordStep('initech', id(n), 'action:transform', 'completed', 0.01);
      metrics.recordStep('initech', id(n), 'action:http', 'failed', 0.5);
      metrics.recordExecution('initech', id(n), 'failed', 0.6);
    }
    metrics.recordExecution('acme', id(1), 'completed', 0.3);
    expect(await overflowCount()).toBe(21);
    expect(metrics.workflowPairs).toBe(3);

    const samples = parseMetrics(await registry.metrics());
    const overflow = { tenant_id: OVERFLOW_LABEL_VALUE, workflow_id: OVERFLOW_LABEL_VALUE };
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...overflow, status: 'failed' })).toBe(7);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...overflow, status: 'completed' })).toBe(0);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_count', overflow)).toBe(7);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...overflow, step_type: 'action:http', status: 'failed' })).toBe(7);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...overflow, step_type: 'action:transform', status: 'completed' })).toBe(7);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { tenant_id: 'acme', workflow_id: id(1), status: 'completed' })).toBe(3);
    // The series count is bounded: 3 pairs plus the overflow pair, whatever the number of workflows.
    const pairs = new Set(select(samples, 'gorax_workflow_executions_total').map((s) => `${s.labels.tenant_id}/${s.labels.workflow_id}`));
    expect(pairs.size).toBe(4);
  });

  it('counts recordings with ids that are not valid label values as overflow too', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 10);
    metrics.recordExecution('Not A Tenant!', id(1), 'completed', 1);
    metrics.recordExecution(OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE, 'completed', 1);
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'gorax_metrics_cardinality_overflow_total')).toBe(2);
    expect(metrics.workflowPairs).toBe(0);
  });

  it('keeps exemplars on the workflow duration histogram (OpenMetrics)', async () => {
    const registry = new CatalogRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
    const metrics = new WorkflowMetrics(registry, 10);
    metrics.recordExecution('acme', id(1), 'completed', 0.7, { trace_id: '0af7651916cd43dd8448eb211c80319c' });
    expect(await registry.metrics()).toMatch(
      /gorax_workflow_execution_duration_seconds_bucket\{le="1",tenant_id="acme",workflow_id="[0-9a-f-]+"\} 1 # \{trace_id="0af7651916cd43dd8448eb211c80319c"\} 0\.7 \d+(\.\d+)?\n/,
    );
  });

  it('never records a label value outside the catalog', async () => {
    const registry = new Registry();
    const metrics = new WorkflowMetrics(registry, 100);
    metrics.recordExecution('Not A Tenant!', 'not-a-uuid', 'completed', 1);
    const samples = parseMetrics(await registry.metrics());
    expect(select(samples, 'gorax_workflow_executions_total', { status: 'completed' })).toEqual([
      { name: 'gorax_workflow_executions_total', labels: { tenant_id: OVERFLOW_LABEL_VALUE, workflow_id: OVERFLOW_LABEL_VALUE, status: 'completed' }, value: 1 },
    ]);
    expect(() => metrics.recordStep('acme', id(1), 'http' as never, 'completed', 1)).toThrow(/step_type="http" is not in the catalog/);
  });

  it('tracks executions in progress', async () => {
    const registry = new Registry();
    const metrics = new WorkflowMetrics(registry, 100);
    metrics.executionStarted();
    metrics.executionStarted();
    metrics.executionEnded();
    expect(valueOf(parseMetrics(await registry.metrics()), 'gorax_workflow_executions_in_progress')).toBe(1);
  });

  it('keeps exporting its cached series after Registry.resetMetrics(), from 0', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 10);
    metrics.recordStep('acme', id(1), 'action:http', 'completed', 0.2);
    metrics.recordExecution('acme', id(1), 'completed', 0.3);
    metrics.recordExecution('acme', id(1), 'failed', 0.3);
    registry.resetMetrics();
    metrics.recordStep('acme', id(1), 'action:http', 'failed', 0.4);
    metrics.recordExecution('acme', id(1), 'failed', 0.5);
    const samples = parseMetrics(await registry.metrics());
    const pair = { tenant_id: 'acme', workflow_id: id(1) };
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair, status: 'completed' })).toBe(0);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair, status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_count', pair)).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_sum', pair)).toBe(0.5);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...pair, step_type: 'action:http', status: 'completed' })).toBe(0);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...pair, step_type: 'action:http', status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_execution_duration_seconds_count', { ...pair, step_type: 'action:http' })).toBe(1);
  });
});

describe('WorkflowMetrics idle eviction', () => {
  const pair = (n: number) => ({ tenant_id: 'acme', workflow_id: id(n) });
  /** Series per metric in the exposition: what Prometheus would ingest. */
  async function seriesCounts(registry: Registry) {
    const samples = parseMetrics(await registry.metrics());
    return {
      executions: select(samples, 'gorax_workflow_executions_total').length,
      executionDurations: select(samples, 'gorax_workflow_execution_duration_seconds_count').length,
      steps: select(samples, 'gorax_step_executions_total').length,
      stepDurations: select(samples, 'gorax_step_execution_duration_seconds_count').length,
    };
  }

  it('evicts exactly the pairs, with their step series, not recorded since the previous sweep', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 10);
    metrics.recordStep('acme', id(1), 'action:http', 'completed', 0.1);
    metrics.recordExecution('acme', id(1), 'completed', 0.2);
    metrics.recordStep('acme', id(2), 'action:http', 'completed', 0.1);
    metrics.recordStep('acme', id(2), 'action:transform', 'failed', 0.1);
    metrics.recordExecution('acme', id(2), 'failed', 0.2);
    metrics.recordExecution('globex', id(3), 'completed', 0.2);
    metrics.recordExecution('globex', id(4), 'completed', 0.2);
    const before = { executions: 8, executionDurations: 4, steps: 6, stepDurations: 3 };
    expect(await seriesCounts(registry)).toEqual(before);

    // Every pair was used since the start: the first sweep keeps them all.
    expect(metrics.sweepIdlePairs()).toBe(0);
    expect(await seriesCounts(registry)).toEqual(before);

    // Between sweeps, pair 1 records an execution and pair 3 only a step: both count as used.
    metrics.recordExecution('acme', id(1), 'completed', 0.2);
    metrics.recordStep('globex', id(3), 'control:delay', 'completed', 1);
    expect(metrics.sweepIdlePairs()).toBe(2);
    expect(metrics.workflowPairs).toBe(2);
    expect(await seriesCounts(registry)).toEqual({ executions: 4, executionDurations: 2, steps: 4, stepDurations: 2 });

    const text = await registry.metrics();
    expect(text).not.toContain(id(2));
    expect(text).not.toContain(id(4));
    const samples = parseMetrics(text);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair(1), status: 'completed' })).toBe(2);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...pair(1), step_type: 'action:http', status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_executions_total', { tenant_id: 'globex', workflow_id: id(3), step_type: 'control:delay', status: 'completed' })).toBe(1);

    // Nothing recorded since: the next sweep evicts the rest.
    expect(metrics.sweepIdlePairs()).toBe(2);
    expect(metrics.workflowPairs).toBe(0);
    expect(await seriesCounts(registry)).toEqual({ executions: 0, executionDurations: 0, steps: 0, stepDurations: 0 });
  });

  it('frees room under the limit: a new pair gets its own series instead of __overflow__', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 2);
    metrics.recordExecution('acme', id(1), 'completed', 0.2);
    metrics.recordExecution('acme', id(2), 'completed', 0.2);
    metrics.recordExecution('acme', id(3), 'completed', 0.2);
    const overflowed = parseMetrics(await registry.metrics());
    expect(valueOf(overflowed, 'gorax_metrics_cardinality_overflow_total')).toBe(1);
    expect(select(overflowed, 'gorax_workflow_executions_total', pair(3))).toEqual([]);

    metrics.sweepIdlePairs();
    metrics.recordExecution('acme', id(1), 'completed', 0.2);
    expect(metrics.sweepIdlePairs()).toBe(1);
    metrics.recordExecution('acme', id(3), 'failed', 0.2);
    metrics.recordStep('acme', id(3), 'action:http', 'failed', 0.1);

    expect(metrics.workflowPairs).toBe(2);
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'gorax_metrics_cardinality_overflow_total')).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair(3), status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...pair(3), step_type: 'action:http', status: 'failed' })).toBe(1);
    expect(select(samples, 'gorax_workflow_executions_total', pair(2))).toEqual([]);
  });

  it('starts an evicted pair recorded again from fresh series: both outcomes from 0, histograms empty', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 10);
    for (let i = 0; i < 3; i++) {
      metrics.recordStep('acme', id(1), 'action:http', 'completed', 0.1);
      metrics.recordExecution('acme', id(1), 'completed', 0.2);
    }
    metrics.sweepIdlePairs();
    expect(metrics.sweepIdlePairs()).toBe(1);

    metrics.recordExecution('acme', id(1), 'failed', 0.4);
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair(1), status: 'completed' })).toBe(0);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...pair(1), status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_count', pair(1))).toBe(1);
    expect(valueOf(samples, 'gorax_workflow_execution_duration_seconds_sum', pair(1))).toBe(0.4);
    // The old step series went with the pair; a step type appears again only once recorded.
    expect(select(samples, 'gorax_step_executions_total', pair(1))).toEqual([]);
    metrics.recordStep('acme', id(1), 'action:http', 'completed', 0.1);
    const later = parseMetrics(await registry.metrics());
    expect(valueOf(later, 'gorax_step_executions_total', { ...pair(1), step_type: 'action:http', status: 'completed' })).toBe(1);
    expect(valueOf(later, 'gorax_step_executions_total', { ...pair(1), step_type: 'action:http', status: 'failed' })).toBe(0);
  });

  it('never evicts the __overflow__ series', async () => {
    const registry = new CatalogRegistry();
    const metrics = new WorkflowMetrics(registry, 1);
    metrics.recordExecution('acme', id(1), 'completed', 0.2);
    metrics.recordExecution('acme', id(2), 'failed', 0.2);
    metrics.recordStep('acme', id(2), 'action:http', 'failed', 0.1);
    metrics.sweepIdlePairs();
    expect(metrics.sweepIdlePairs()).toBe(1);
    expect(metrics.sweepIdlePairs()).toBe(0);

    const overflow = { tenant_id: OVERFLOW_LABEL_VALUE, workflow_id: OVERFLOW_LABEL_VALUE };
    const samples = parseMetrics(await registry.metrics());
    expect(select(samples, 'gorax_workflow_executions_total').map((s) => s.labels.workflow_id)).toEqual([OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE]);
    expect(valueOf(samples, 'gorax_workflow_executions_total', { ...overflow, status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_step_executions_total', { ...overflow, step_type: 'action:http', status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'gorax_metrics_cardinality_overflow_total')).toBe(2);
  });

  describe('startIdleSweep (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('sweeps every idle period, so a pair goes between one and two periods after its last recording, until stopped', () => {
      const metrics = new WorkflowMetrics(new CatalogRegistry(), 10);
      const sweep = metrics.startIdleSweep(60);
      expect(jest.getTimerCount()).toBe(1);
      metrics.recordExecution('acme', id(1), 'completed', 0.2); // t = 0
      jest.advanceTimersByTime(30_000);
      metrics.recordExecution('acme', id(2), 'completed', 0.2); // t = 30 s
      jest.advanceTimersByTime(30_000); // sweep at 60 s: both used since the start
      expect(metrics.workflowPairs).toBe(2);
      jest.advanceTimersByTime(60_000); // sweep at 120 s: idle for 120 s and 90 s
      expect(metrics.workflowPairs).toBe(0);

      metrics.recordExecution('acme', id(3), 'completed', 0.2);
      sweep.stop();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(10 * 60_000);
      expect(metrics.workflowPairs).toBe(1);
    });

    it('refuses a period Node timers cannot hold', () => {
      const metrics = new WorkflowMetrics(new CatalogRegistry(), 10);
      expect(() => metrics.startIdleSweep(30 * 24 * 3600)).toThrow(RangeError);
      expect(() => metrics.startIdleSweep(0)).toThrow(RangeError);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});

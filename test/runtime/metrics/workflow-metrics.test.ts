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

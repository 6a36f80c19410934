import { Registry } from 'prom-client';
import { OVERFLOW_LABEL_VALUE } from '../../../lib/catalog/labels';
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
});

/**
 * Workflow and step metrics for the worker. Children are cached per
 * (tenant, workflow[, step type]); a per-process guard caps the distinct
 * tenant/workflow pairs, past which new pairs are recorded as __overflow__
 * so a tenant creating workflows in a loop cannot explode the series count.
 */
import type { Registry } from 'prom-client';
import { OVERFLOW_LABEL_VALUE } from '../../catalog/labels';
import {
  stepExecutionDurationSeconds,
  stepExecutionsTotal,
  workflowExecutionDurationSeconds,
  workflowExecutionsInProgress,
  workflowExecutionsTotal,
} from '../../catalog/metrics';
import type { StepType } from '../../catalog/step-types';
import { registerCatalogMetric } from './catalog-registry';
import { assertLabelValues, labelValueAllowed } from './label-values';

export type Outcome = 'completed' | 'failed';

interface Observer {
  observe(value: number): void;
}
interface Incrementer {
  inc(value?: number): void;
}

interface StepSeries {
  readonly completed: Incrementer;
  readonly failed: Incrementer;
  readonly duration: Observer;
}

interface WorkflowSeries {
  readonly tenantId: string;
  readonly workflowId: string;
  readonly completed: Incrementer;
  readonly failed: Incrementer;
  readonly duration: Observer;
  readonly steps: Map<string, StepSeries>;
}

export class WorkflowMetrics {
  private readonly executions;
  private readonly executionDuration;
  private readonly steps;
  private readonly stepDuration;
  private readonly inProgress;
  private readonly series = new Map<string, WorkflowSeries>();

  constructor(
    registry: Registry,
    private readonly seriesLimit: number,
  ) {
    this.executions = registerCatalogMetric(workflowExecutionsTotal, registry);
    this.executionDuration = registerCatalogMetric(workflowExecutionDurationSeconds, registry);
    this.steps = registerCatalogMetric(stepExecutionsTotal, registry);
    this.stepDuration = registerCatalogMetric(stepExecutionDurationSeconds, registry);
    this.inProgress = registerCatalogMetric(workflowExecutionsInProgress, registry);
  }

  executionStarted(): void {
    this.inProgress.inc();
  }

  executionEnded(): void {
    this.inProgress.dec();
  }

  recordExecution(tenantId: string, workflowId: string, outcome: Outcome, seconds: number): void {
    const series = this.workflowSeries(tenantId, workflowId);
    (outcome === 'completed' ? series.completed : series.failed).inc();
    series.duration.observe(seconds);
  }

  recordStep(tenantId: string, workflowId: string, stepType: StepType, outcome: Outcome, seconds: number): void {
    const workflow = this.workflowSeries(tenantId, workflowId);
    let step = workflow.steps.get(stepType);
    if (step === undefined) {
      step = this.createStepSeries(workflow, stepType);
      workflow.steps.set(stepType, step);
    }
    (outcome === 'completed' ? step.completed : step.failed).inc();
    step.duration.observe(seconds);
  }

  private workflowSeries(tenantId: string, workflowId: string): WorkflowSeries {
    const key = `${tenantId}/${workflowId}`;
    let series = this.series.get(key);
    if (series === undefined) {
      const valid =
        labelValueAllowed(workflowExecutionsTotal.labels.tenant_id, tenantId) &&
        labelValueAllowed(workflowExecutionsTotal.labels.workflow_id, workflowId);
      if (!valid || this.series.size >= this.seriesLimit) {
        return this.overflowSeries();
      }
      series = this.createWorkflowSeries(tenantId, workflowId);
      this.series.set(key, series);
    }
    return series;
  }

  private overflowSeries(): WorkflowSeries {
    const key = `${OVERFLOW_LABEL_VALUE}/${OVERFLOW_LABEL_VALUE}`;
    let series = this.series.get(key);
    if (series === undefined) {
      // Stored beyond the limit on purpose: it is the one series every later pair shares.
      series = this.createWorkflowSeries(OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE);
      this.series.set(key, series);
    }
    return series;
  }

  private createWorkflowSeries(tenantId: string, workflowId: string): WorkflowSeries {
    const ids = { tenant_id: tenantId, workflow_id: workflowId };
    assertLabelValues(workflowExecutionsTotal, { ...ids, status: 'completed' });
    const completed = this.executions.labels({ ...ids, status: 'completed' });
    const failed = this.executions.labels({ ...ids, status: 'failed' });
    // Both outcomes start at 0, so a failure ratio is 0 (not absent) while nothing failed.
    completed.inc(0);
    failed.inc(0);
    return {
      tenantId,
      workflowId,
      completed,
      failed,
      duration: this.executionDuration.labels(ids),
      steps: new Map(),
    };
  }

  private createStepSeries(workflow: WorkflowSeries, stepType: StepType): StepSeries {
    const labels = { tenant_id: workflow.tenantId, workflow_id: workflow.workflowId, step_type: stepType };
    assertLabelValues(stepExecutionsTotal, { ...labels, status: 'failed' });
    const completed = this.steps.labels({ ...labels, status: 'completed' });
    const failed = this.steps.labels({ ...labels, status: 'failed' });
    completed.inc(0);
    failed.inc(0);
    return {
      completed,
      failed,
      duration: this.stepDuration.labels(labels),
    };
  }
}

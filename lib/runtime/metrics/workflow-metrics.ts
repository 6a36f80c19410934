/**
 * Workflow and step metrics for the worker. Series are cached per
 * (tenant, workflow[, step type]); a per-process guard caps the distinct
 * tenant/workflow pairs (METRICS_MAX_WORKFLOW_SERIES), past which new pairs
 * are recorded as __overflow__, so a tenant creating workflows in a loop
 * cannot explode the series count. gorax_metrics_cardinality_overflow_total
 * counts every recording the guard redirected.
 */
import type { Registry } from 'prom-client';
import { OVERFLOW_LABEL_VALUE } from '../../catalog/labels';
import {
  metricsCardinalityOverflowTotal,
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

/** Exemplar labels (OpenMetrics), e.g. { trace_id }; kept per histogram bucket. */
export type ExemplarLabels = Readonly<Record<string, string>>;

interface Observer {
  observe(value: number, exemplar?: ExemplarLabels): void;
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
  /** True for the shared __overflow__ series. */
  readonly overflow: boolean;
}

export class WorkflowMetrics {
  private readonly executions;
  private readonly executionDuration;
  private readonly steps;
  private readonly stepDuration;
  private readonly inProgress;
  private readonly overflowCount;
  /** tenant → workflow → series: two lookups with the caller's strings, no key built per recording. */
  private readonly series = new Map<string, Map<string, WorkflowSeries>>();
  private pairs = 0;
  private overflow: WorkflowSeries | undefined;

  constructor(
    registry: Registry,
    private readonly seriesLimit: number,
  ) {
    this.executions = registerCatalogMetric(workflowExecutionsTotal, registry);
    this.executionDuration = registerCatalogMetric(workflowExecutionDurationSeconds, registry);
    this.steps = registerCatalogMetric(stepExecutionsTotal, registry);
    this.stepDuration = registerCatalogMetric(stepExecutionDurationSeconds, registry);
    this.inProgress = registerCatalogMetric(workflowExecutionsInProgress, registry);
    this.overflowCount = registerCatalogMetric(metricsCardinalityOverflowTotal, registry).labels({});
  }

  /** Distinct tenant/workflow pairs with series of their own (the __overflow__ series not included). */
  get workflowPairs(): number {
    return this.pairs;
  }

  executionStarted(): void {
    this.inProgress.inc();
  }

  executionEnded(): void {
    this.inProgress.dec();
  }

  recordExecution(tenantId: string, workflowId: string, outcome: Outcome, seconds: number, exemplar?: ExemplarLabels): void {
    const series = this.workflowSeries(tenantId, workflowId);
    if (series.overflow) this.overflowCount.inc();
    (outcome === 'completed' ? series.completed : series.failed).inc();
    series.duration.observe(seconds, exemplar);
  }

  recordStep(tenantId: string, workflowId: string, stepType: StepType, outcome: Outcome, seconds: number): void {
    const workflow = this.workflowSeries(tenantId, workflowId);
    if (workflow.overflow) this.overflowCount.inc();
    let step = workflow.steps.get(stepType);
    if (step === undefined) {
      step = this.createStepSeries(workflow, stepType);
      workflow.steps.set(stepType, step);
    }
    (outcome === 'completed' ? step.completed : step.failed).inc();
    step.duration.observe(seconds);
  }

  private workflowSeries(tenantId: string, workflowId: string): WorkflowSeries {
    const found = this.series.get(tenantId)?.get(workflowId);
    if (found !== undefined) return found;
    const valid =
      tenantId !== OVERFLOW_LABEL_VALUE &&
      workflowId !== OVERFLOW_LABEL_VALUE &&
      labelValueAllowed(workflowExecutionsTotal.labels.tenant_id, tenantId) &&
      labelValueAllowed(workflowExecutionsTotal.labels.workflow_id, workflowId);
    // Overflowed pairs are not remembered: memory stays bounded by the limit too.
    if (!valid || this.pairs >= this.seriesLimit) return this.overflowSeries();
    let workflows = this.series.get(tenantId);
    if (workflows === undefined) {
      workflows = new Map();
      this.series.set(tenantId, workflows);
    }
    const series = this.createWorkflowSeries(tenantId, workflowId, false);
    workflows.set(workflowId, series);
    this.pairs++;
    return series;
  }

  /** The one series every pair past the limit shares; it does not count against the limit. */
  private overflowSeries(): WorkflowSeries {
    return (this.overflow ??= this.createWorkflowSeries(OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE, true));
  }

  private createWorkflowSeries(tenantId: string, workflowId: string, overflow: boolean): WorkflowSeries {
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
      overflow,
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

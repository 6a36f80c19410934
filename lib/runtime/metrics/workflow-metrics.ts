/**
 * Workflow and step metrics for the worker. Series are cached per
 * (tenant, workflow[, step type]); a per-process guard caps the distinct
 * tenant/workflow pairs (METRICS_MAX_WORKFLOW_SERIES), past which new pairs
 * are recorded as __overflow__, so a tenant creating workflows in a loop
 * cannot explode the series count. gorax_metrics_cardinality_overflow_total
 * counts every recording the guard redirected.
 *
 * Idle pairs are forgotten (METRICS_WORKFLOW_SERIES_IDLE_SECONDS), so a
 * long-running worker makes room for new workflows instead of overflowing
 * forever once it has seen the limit's worth of pairs over its lifetime.
 * Recording reads no clock: each pair keeps the sweep generation it was last
 * used in, and sweepIdlePairs(), run every idle period, evicts the pairs not
 * used since the previous sweep. A pair is therefore evicted between one and
 * two idle periods after its last recording.
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

/** The longest delay Node's timers take. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  /** The sweep generation of the last recording: one integer write per recording, no clock read. */
  lastUsed: number;
}

/** The running idle sweep; stop() clears its interval. */
export interface IdleSweep {
  stop(): void;
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
  /** Advanced by each sweep; a pair whose lastUsed is older was not used since the previous sweep. */
  private generation = 0;

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

  /**
   * Evicts every pair not recorded since the previous sweep, with its step
   * series, from the exposition and from the count against the limit, then
   * starts a new generation. Returns how many pairs it evicted. The
   * __overflow__ series is never evicted.
   *
   * Safe for Prometheus: an evicted series is no longer exported, so the
   * next scrape marks it stale and its history stays stored. Recorded again,
   * the pair gets fresh series, counters from 0, which rate() and increase()
   * read as a counter reset when they see the old and the new samples in one
   * range. One blind spot: if the new counter has already reached the old
   * value at its first scrape, no reset is seen and that range undercounts by
   * the old value; that takes as many recordings within one scrape interval
   * as the pair made before it went idle, so only small counters are exposed.
   */
  sweepIdlePairs(): number {
    const current = this.generation;
    let evicted = 0;
    for (const [tenantId, workflows] of this.series) {
      for (const [workflowId, series] of workflows) {
        if (series.lastUsed >= current) continue;
        this.removeWorkflowSeries(series);
        workflows.delete(workflowId);
        evicted++;
      }
      if (workflows.size === 0) this.series.delete(tenantId);
    }
    this.pairs -= evicted;
    this.generation++;
    return evicted;
  }

  /**
   * Runs sweepIdlePairs() every `idleSeconds`, on an unref'd interval (it
   * never keeps the process alive); the worker stops it on close.
   */
  startIdleSweep(idleSeconds: number): IdleSweep {
    const intervalMs = idleSeconds * 1000;
    // Node runs an interval above 2^31-1 ms every 1 ms instead, which would evict every pair at once.
    if (!(intervalMs >= 1 && intervalMs <= MAX_TIMER_MS)) {
      throw new RangeError(`idle sweep period must be from 0.001 to ${MAX_TIMER_MS / 1000} seconds; got ${idleSeconds}`);
    }
    const timer = setInterval(() => this.sweepIdlePairs(), intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** The pair's series, marked used in this generation (a new pair is created marked). */
  private workflowSeries(tenantId: string, workflowId: string): WorkflowSeries {
    const found = this.series.get(tenantId)?.get(workflowId);
    if (found !== undefined) {
      found.lastUsed = this.generation;
      return found;
    }
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
      lastUsed: this.generation,
    };
  }

  /** Drops a pair's workflow and step series from the exposition (the caller drops it from the cache). */
  private removeWorkflowSeries(workflow: WorkflowSeries): void {
    const ids = { tenant_id: workflow.tenantId, workflow_id: workflow.workflowId };
    this.executions.remove({ ...ids, status: 'completed' });
    this.executions.remove({ ...ids, status: 'failed' });
    this.executionDuration.remove(ids);
    for (const stepType of workflow.steps.keys()) {
      const labels = { ...ids, step_type: stepType };
      this.steps.remove({ ...labels, status: 'completed' });
      this.steps.remove({ ...labels, status: 'failed' });
      this.stepDuration.remove(labels);
    }
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

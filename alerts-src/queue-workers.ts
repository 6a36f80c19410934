/**
 * The queue and the worker fleet: backlog, whether any worker is taking jobs,
 * and whether the workers' cardinality guard is dropping per-workflow detail.
 */
import { activeWorkers, metricsCardinalityOverflowTotal, queueDepth } from '../lib/catalog/metrics';
import { queueLabel } from '../lib/catalog/labels';
import { JOBS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { aggregateBy, increase, sumBy } from '../lib/promql/functions';
import { select } from '../lib/promql/selector';
import { defineRecord, type RuleGroupDefinition } from '../lib/rules/rule-definition';

/** Every API replica reports the same queue, so the fleet's view is the max, not the sum. */
export const queueDepthMax = defineRecord({
  record: 'queue:gorax_queue_depth:max',
  expr: aggregateBy('max', ['queue'], select(queueDepth)),
  labels: { queue: queueLabel },
  unit: 'short',
});

/**
 * Live worker slots across the whole worker fleet, 0 when no worker reports at
 * all (a stopped or crashed worker's series go stale, so the sum is absent).
 */
export const fleetWorkerSlots = `(${sumBy([], select(activeWorkers, { job: JOBS.worker }))} or vector(0))`;

/** Recordings the cardinality guard sent to __overflow__ over the last 10m, per job (shared with the workers dashboard). */
export const cardinalityOverflows = sumBy(['job'], increase(select(metricsCardinalityOverflowTotal), '10m'));

const { queueDepth: backlog, workerSlots, metricsCardinalityOverflows } = THRESHOLDS;

export const queueWorkerRules: RuleGroupDefinition = {
  name: 'gorax-queue-workers',
  records: [queueDepthMax],
  alerts: [
    {
      name: 'QueueBacklog',
      expr: `${select(queueDepthMax)} > ${backlog.warning}`,
      for: '10m',
      severity: 'warning',
      summary: 'Jobs are piling up in the workflow queue.',
      description: `Queue {{ $labels.queue }} holds {{ $value }} waiting jobs (threshold ${backlog.warning}).`,
      dashboard: 'gorax-workers',
    },
    {
      name: 'QueueBacklogCritical',
      expr: `${select(queueDepthMax)} > ${backlog.critical}`,
      for: '5m',
      severity: 'critical',
      summary: 'The workflow queue backlog is critical.',
      description: `Queue {{ $labels.queue }} holds {{ $value }} waiting jobs (threshold ${backlog.critical}).`,
      dashboard: 'gorax-workers',
    },
    {
      name: 'NoActiveWorkers',
      expr: `${fleetWorkerSlots} < ${workerSlots.critical}`,
      for: '2m',
      severity: 'critical',
      summary: 'No worker is taking workflow jobs.',
      description: 'The worker fleet reports {{ $value }} live worker slots: no workflow execution can start.',
      dashboard: 'gorax-workers',
    },
    {
      // Also true at zero on purpose: Alertmanager inhibits it while NoActiveWorkers fires.
      name: 'LowWorkerCount',
      expr: `${fleetWorkerSlots} < ${workerSlots.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'Few worker slots are live across the worker fleet.',
      description: `The worker fleet reports {{ $value }} live worker slots (threshold ${workerSlots.warning}).`,
      dashboard: 'gorax-workers',
    },
    {
      name: 'MetricsCardinalityOverflow',
      expr: `${cardinalityOverflows} > ${metricsCardinalityOverflows.warning}`,
      for: '15m',
      severity: 'warning',
      summary: 'Workflow metrics are being recorded under __overflow__.',
      description:
        '{{ $value }} workflow and step recordings in {{ $labels.job }} went to tenant_id/workflow_id="__overflow__" over the last 10m; a process holds METRICS_MAX_WORKFLOW_SERIES tenant/workflow pairs, none idle long enough to be evicted (METRICS_WORKFLOW_SERIES_IDLE_SECONDS), so new workflows lose their per-workflow series.',
      dashboard: 'gorax-workers',
    },
  ],
};

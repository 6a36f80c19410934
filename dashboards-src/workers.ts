/**
 * gorax-workers: the worker fleet and its queue (slots, backlog and its
 * trend, throughput, step durations), the worker processes, and the
 * dependency readiness checks of both services. QueueBacklog,
 * QueueBacklogCritical, NoActiveWorkers, LowWorkerCount,
 * DatabaseConnectionFailure, RedisConnectionFailure and the workers'
 * HighMemoryUsage and GoraxTargetDown alerts point here.
 *
 * Rate windows: throughput and step durations use raw counters over
 * $__rate_interval; the queue panels chart the recorded fleet maximum the
 * queue alerts evaluate; the queue trend is deriv() over 15m.
 */
import {
  activeWorkers,
  healthCheckStatus,
  metricsCardinalityOverflowTotal,
  stepExecutionDurationSeconds,
  stepExecutionsTotal,
  workflowExecutionsTotal,
} from '../lib/catalog/metrics';
import { healthCheckLabel } from '../lib/catalog/labels';
import { JOBS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { aggregateBy, deriv, quantileOverBuckets, rate, sumBy } from '../lib/promql/functions';
import { buckets, select } from '../lib/promql/selector';
import { fleetWorkerSlots, queueDepthMax } from '../alerts-src/queue-workers';
import { buildDashboard, type GrafanaDashboard } from './layout';
import { stat, timeseries, type PanelDraft } from './panels';
import { processPanels } from './process-panels';
import { alertAbove, alertBelow } from './thresholds';

const QUANTILES = [0.5, 0.95, 0.99] as const;

/** The dependency checks with an alert of their own (the alert expression, without its `> 0`). */
const DEPENDENCY_ALERTS = [
  { check: 'database', alert: 'DatabaseConnectionFailure', what: 'PostgreSQL' },
  { check: 'redis', alert: 'RedisConnectionFailure', what: 'Redis' },
] as const satisfies readonly { check: (typeof healthCheckLabel.values)[number]; alert: string; what: string }[];

function dependencyStat(dep: (typeof DEPENDENCY_ALERTS)[number]): PanelDraft {
  return stat({
    title: `Instances failing the ${dep.check} check`,
    description: `Instances of each service (API and worker) whose readiness check of ${dep.what} fails now; ${dep.alert} fires when this stays above 0 for 2 minutes. A process that is down reports nothing (see its targets-up panel).`,
    unit: 'short',
    queries: [{ expr: aggregateBy('count', ['job'], `${select(healthCheckStatus, { check: dep.check })} == 0`), legend: '{{job}}' }],
    thresholds: alertAbove({ critical: 1 }, `${dep.check} check`),
    noValue: '0',
    decimals: 0,
    width: 5,
    height: 8,
  });
}

export function workersDashboard(): GrafanaDashboard {
  const { queueDepth, workerSlots } = THRESHOLDS;
  const job = JOBS.worker;
  const stepBuckets = buckets(stepExecutionDurationSeconds, { job });

  return buildDashboard({
    uid: 'gorax-workers',
    title: 'Gorax / Workers',
    description: 'The Gorax worker fleet: live slots, queue backlog, throughput and step durations, worker processes, and dependency checks of both services.',
    rows: [
      {
        title: 'Fleet and queue',
        panels: [
          stat({
            title: 'Live worker slots',
            description: `Live worker slots across the whole fleet (sum of gorax_active_workers over ${job}; 0 when no worker reports): NoActiveWorkers fires below ${workerSlots.critical} for 2m, LowWorkerCount below ${workerSlots.warning} for 5m.`,
            unit: 'short',
            queries: [{ expr: fleetWorkerSlots, legend: 'worker slots' }],
            thresholds: alertBelow({ critical: workerSlots.critical, warning: workerSlots.warning }, 'live worker slots'),
            decimals: 0,
            width: 4,
            height: 8,
          }),
          timeseries({
            title: 'Worker slots per process',
            description: 'Live worker slots each worker process reports (its concurrency while it takes jobs), stacked: the total is the fleet figure.',
            unit: 'short',
            queries: [{ expr: sumBy(['instance'], select(activeWorkers, { job })), legend: '{{instance}}' }],
            stack: true,
            min: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Queue depth',
            description: `Jobs waiting in each queue (not running), the fleet-wide maximum recorded for QueueBacklog (above ${queueDepth.warning} for 10m) and QueueBacklogCritical (above ${queueDepth.critical} for 5m).`,
            unit: 'short',
            queries: [{ expr: select(queueDepthMax), legend: '{{queue}}' }],
            thresholds: alertAbove(queueDepth, 'queue depth'),
            min: 0,
            width: 7,
            height: 8,
          }),
          timeseries({
            title: 'Queue depth trend',
            description: 'How fast each queue backlog grows (positive) or drains (negative), in jobs per minute: the slope of the recorded queue depth over the last 15m (deriv). A backlog that keeps growing needs more workers.',
            unit: 'cpm',
            queries: [{ expr: `${deriv(select(queueDepthMax), '15m')} * 60`, legend: '{{queue}}' }],
            width: 7,
            height: 8,
          }),
        ],
      },
      {
        title: 'Throughput and step durations',
        panels: [
          timeseries({
            title: 'Workflow executions finished',
            description: `Workflow executions the workers finish per second, by outcome, over $__rate_interval.`,
            unit: 'ops',
            queries: [{ expr: sumBy(['status'], rate(select(workflowExecutionsTotal, { job }), '$__rate_interval')), legend: '{{status}}' }],
            stack: true,
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Steps finished by step type',
            description: 'Workflow steps the workers finish per second (after retries), by node type, over $__rate_interval.',
            unit: 'ops',
            queries: [{ expr: sumBy(['step_type'], rate(select(stepExecutionsTotal, { job }), '$__rate_interval')), legend: '{{step_type}}' }],
            stack: true,
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Step duration p50/p95/p99',
            description: 'Step time percentiles across every step type (including retries), over the aggregated histogram buckets and $__rate_interval.',
            unit: 's',
            queries: QUANTILES.map((q) => ({
              expr: quantileOverBuckets(q, stepBuckets, [], '$__rate_interval'),
              legend: `p${Math.round(q * 100)}`,
            })),
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Step duration p95 by step type',
            description: 'The 95th percentile of step time per node type, over the aggregated histogram buckets and $__rate_interval. control:delay steps are as slow as they are configured to be.',
            unit: 's',
            queries: [{ expr: quantileOverBuckets(0.95, stepBuckets, ['step_type'], '$__rate_interval'), legend: '{{step_type}}' }],
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Cardinality guard overflows',
            description: `Workflow and step recordings per second sent to tenant_id/workflow_id="__overflow__", per worker process, over $__rate_interval: the process holds METRICS_MAX_WORKFLOW_SERIES tenant/workflow pairs, all recorded within the last one to two METRICS_WORKFLOW_SERIES_IDLE_SECONDS periods (idle ones are evicted). MetricsCardinalityOverflow fires when any job keeps overflowing for 15m. Totals stay right; per-workflow detail of new workflows is lost.`,
            unit: 'ops',
            queries: [{ expr: sumBy(['instance'], rate(select(metricsCardinalityOverflowTotal, { job }), '$__rate_interval')), legend: '{{instance}}' }],
            min: 0,
            width: 24,
            height: 8,
          }),
        ],
      },
      {
        title: 'Dependency checks (API and worker)',
        panels: [
          ...DEPENDENCY_ALERTS.map(dependencyStat),
          timeseries({
            title: 'Failing readiness checks by service',
            description: `Instances failing each readiness check (${healthCheckLabel.values.join(', ')}), per service: 1 - gorax_health_check_status summed per job and check. Anything above 0 means a dependency or resource check fails in that many processes.`,
            unit: 'short',
            queries: [{ expr: sumBy(['job', 'check'], `1 - ${select(healthCheckStatus)}`), legend: '{{job}} {{check}}' }],
            thresholds: alertAbove({ critical: 1 }, 'failing checks'),
            min: 0,
            decimals: 0,
            width: 14,
            height: 8,
          }),
        ],
      },
      {
        title: 'Worker processes',
        panels: processPanels({ job, name: 'Worker', workload: 'worker' }),
      },
    ],
  });
}

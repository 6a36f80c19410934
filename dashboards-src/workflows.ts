/**
 * gorax-workflows: workflow executions and their steps, filterable by tenant
 * and workflow, under a first row with the exact signals of the workflow and
 * step alerts (HighWorkflowFailureRate, CriticalWorkflowFailureRate,
 * SlowWorkflowExecutions, WorkflowExecutionStalled, HighStepFailureRate,
 * HTTPActionFailures point here).
 *
 * Rate windows: the alert-signal row charts the recorded 5m series the alerts
 * evaluate, fleet-wide (they have no tenant label); every filtered panel uses
 * raw counters over $__rate_interval.
 */
import {
  queueDepth,
  stepExecutionDurationSeconds,
  stepExecutionsTotal,
  workflowExecutionDurationSeconds,
  workflowExecutionsInProgress,
  workflowExecutionsTotal,
} from '../lib/catalog/metrics';
import { JOBS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import {
  aggregateBy,
  histogramQuantile,
  increaseOverDashboardRange,
  quantileOverBuckets,
  rate,
  ratio,
  sumBy,
  topk,
} from '../lib/promql/functions';
import { buckets, select, variable } from '../lib/promql/selector';
import { percent } from '../lib/rules/format';
import { stepExecutionsRate, stepFailureRatio } from '../alerts-src/steps';
import { workflowDurationBucketRate, workflowExecutionsRate, workflowFailureRatio } from '../alerts-src/workflows';
import { buildDashboard, type GrafanaDashboard } from './layout';
import { table, timeseries } from './panels';
import { alertAbove } from './thresholds';
import { labelFilterVariable, labelValuesQuery } from './variables';

const QUANTILES = [0.5, 0.95, 0.99] as const;
const p = (q: number): string => `p${Math.round(q * 100)}`;

export function workflowsDashboard(): GrafanaDashboard {
  const {
    workflowFailureRatio: failure,
    workflowDurationP95Seconds: slow,
    stepFailureRatio: stepFailure,
    httpActionFailuresPerSecond,
  } = THRESHOLDS;
  // The tenant and workflow filters, as regex matchers on the raw series.
  const filters = { tenant_id: variable('tenant'), workflow_id: variable('workflow') } as const;
  const filtered = 'Filtered by the tenant and workflow variables; rates over $__rate_interval.';

  return buildDashboard({
    uid: 'gorax-workflows',
    title: 'Gorax / Workflows',
    description: 'Workflow executions and steps: throughput, failures and duration, by tenant, workflow and step type.',
    variables: [
      labelFilterVariable({
        name: 'tenant',
        label: 'Tenant',
        description: 'Tenants that finished workflow executions in the time range.',
        query: labelValuesQuery(workflowExecutionsTotal, 'tenant_id'),
      }),
      labelFilterVariable({
        name: 'workflow',
        label: 'Workflow',
        description: 'Workflows of the selected tenants that finished executions in the time range.',
        query: labelValuesQuery(workflowExecutionsTotal, 'workflow_id', { tenant_id: variable('tenant') }),
      }),
    ],
    rows: [
      {
        title: 'Alert signals (fleet-wide, 5m windows, not filtered)',
        panels: [
          timeseries({
            title: 'Workflow failure ratio (alert signal)',
            description: `Failed / finished workflow executions over 5m, the recorded series HighWorkflowFailureRate (above ${percent(failure.warning)} for 5m) and CriticalWorkflowFailureRate (above ${percent(failure.critical)} for 2m) evaluate.`,
            unit: 'percentunit',
            queries: [{ expr: select(workflowFailureRatio), legend: '{{job}}' }],
            thresholds: alertAbove(failure, 'workflow failure ratio'),
            min: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Workflow duration p95 (alert signal)',
            description: `The 95th percentile of workflow execution time from the recorded 5m bucket rates; SlowWorkflowExecutions fires above ${slow.warning}s for 5m.`,
            unit: 's',
            queries: [{ expr: histogramQuantile(0.95, sumBy(['le', 'job'], select(workflowDurationBucketRate))), legend: '{{job}} p95' }],
            thresholds: alertAbove(slow, 'workflow duration p95'),
            min: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Waiting and running (stall signal)',
            description:
              'Jobs waiting in the queue (fleet max) and workflow executions running (fleet sum): half of the WorkflowExecutionStalled signal, which fires when either is above 0 while no execution finishes (next panel) for 10m.',
            unit: 'short',
            queries: [
              { expr: aggregateBy('max', [], select(queueDepth)), legend: 'waiting in queue' },
              { expr: sumBy([], select(workflowExecutionsInProgress)), legend: 'running' },
            ],
            min: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Finishing (stall signal)',
            description:
              'Workflow executions finishing per second, either way, fleet-wide over 5m (recorded): the other half of the WorkflowExecutionStalled signal. At 0 while work waits or runs, executions are stuck.',
            unit: 'ops',
            queries: [{ expr: sumBy([], select(workflowExecutionsRate)), legend: 'finishing' }],
            min: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: 'Step failure ratio by step type (alert signal)',
            description: `Failed / finished steps of each step type over 5m, the recorded series HighStepFailureRate evaluates (above ${percent(stepFailure.warning)} for 5m).`,
            unit: 'percentunit',
            queries: [{ expr: select(stepFailureRatio), legend: '{{step_type}}' }],
            thresholds: alertAbove(stepFailure, 'step failure ratio'),
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'Failed action:http steps (alert signal)',
            description: `Outbound HTTP action steps failing per second over 5m (recorded), the HTTPActionFailures signal (above ${httpActionFailuresPerSecond.warning}/s for 5m).`,
            unit: 'ops',
            queries: [
              {
                expr: sumBy(['job'], select(stepExecutionsRate, { step_type: 'action:http', status: 'failed' })),
                legend: '{{job}}',
              },
            ],
            thresholds: alertAbove(httpActionFailuresPerSecond, 'failed action:http steps'),
            min: 0,
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Executions',
        panels: [
          timeseries({
            title: 'Execution rate by status',
            description: `Workflow executions finishing per second, by outcome. ${filtered}`,
            unit: 'ops',
            queries: [{ expr: sumBy(['status'], rate(select(workflowExecutionsTotal, filters), '$__rate_interval')), legend: '{{status}}' }],
            min: 0,
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Execution failure ratio',
            description: `Failed / finished workflow executions. ${filtered} The dashed lines are the fleet-wide alert thresholds, for comparison.`,
            unit: 'percentunit',
            queries: [
              {
                expr: ratio(
                  rate(select(workflowExecutionsTotal, { ...filters, status: 'failed' }), '$__rate_interval'),
                  rate(select(workflowExecutionsTotal, filters), '$__rate_interval'),
                  [],
                ),
                legend: 'failure ratio',
              },
            ],
            thresholds: alertAbove(failure, 'workflow failure ratio'),
            min: 0,
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Execution duration p50/p95/p99',
            description: `Workflow execution time percentiles over the aggregated histogram buckets. ${filtered} The dashed line is the SlowWorkflowExecutions p95 threshold.`,
            unit: 's',
            queries: QUANTILES.map((q) => ({
              expr: quantileOverBuckets(q, buckets(workflowExecutionDurationSeconds, filters), [], '$__rate_interval'),
              legend: p(q),
            })),
            thresholds: alertAbove(slow, 'workflow duration p95'),
            min: 0,
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Executions in progress',
            description: `Workflow executions running now, per process (the ${JOBS.worker} processes run them). Not filtered: the gauge has no tenant or workflow label.`,
            unit: 'short',
            queries: [{ expr: sumBy(['instance'], select(workflowExecutionsInProgress)), legend: '{{instance}}' }],
            stack: true,
            min: 0,
            width: 24,
            height: 7,
          }),
        ],
      },
      {
        title: 'Steps by step type',
        panels: [
          timeseries({
            title: 'Step rate by step type',
            description: `Workflow steps finishing per second (after their retries), by executor node type. ${filtered}`,
            unit: 'ops',
            queries: [{ expr: sumBy(['step_type'], rate(select(stepExecutionsTotal, filters), '$__rate_interval')), legend: '{{step_type}}' }],
            min: 0,
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Step failure ratio by step type',
            description: `Failed / finished steps of each node type. ${filtered} The dashed line is the fleet-wide HighStepFailureRate threshold.`,
            unit: 'percentunit',
            queries: [
              {
                expr: ratio(
                  rate(select(stepExecutionsTotal, { ...filters, status: 'failed' }), '$__rate_interval'),
                  rate(select(stepExecutionsTotal, filters), '$__rate_interval'),
                  ['step_type'],
                ),
                legend: '{{step_type}}',
              },
            ],
            thresholds: alertAbove(stepFailure, 'step failure ratio'),
            min: 0,
            width: 8,
            height: 8,
          }),
          timeseries({
            title: 'Step duration p95 by step type',
            description: `The 95th percentile of step time (including retries) per node type, over the aggregated histogram buckets. ${filtered}`,
            unit: 's',
            queries: [
              {
                expr: quantileOverBuckets(0.95, buckets(stepExecutionDurationSeconds, filters), ['step_type'], '$__rate_interval'),
                legend: '{{step_type}}',
              },
            ],
            min: 0,
            width: 8,
            height: 8,
          }),
        ],
      },
      {
        title: 'Top failures in the selected time range',
        panels: [
          table({
            title: 'Top failing workflows',
            description:
              'The ten workflows with the most failed executions in the selected time range (sums of increase() over consecutive $__rate_interval windows), with their tenant. Filtered by the tenant and workflow variables.',
            unit: 'short',
            valueColumn: 'Failed executions',
            queries: [
              {
                expr: topk(
                  10,
                  `${increaseOverDashboardRange(select(workflowExecutionsTotal, { ...filters, status: 'failed' }), ['tenant_id', 'workflow_id'])} > 0`,
                ),
              },
            ],
            decimals: 0,
            width: 14,
            height: 8,
          }),
          table({
            title: 'Top failing step types',
            description:
              'Node types with the most failed steps in the selected time range (sums of increase() over consecutive $__rate_interval windows). Filtered by the tenant and workflow variables.',
            unit: 'short',
            valueColumn: 'Failed steps',
            queries: [
              {
                expr: topk(10, `${increaseOverDashboardRange(select(stepExecutionsTotal, { ...filters, status: 'failed' }), ['step_type'])} > 0`),
              },
            ],
            decimals: 0,
            width: 10,
            height: 8,
          }),
        ],
      },
    ],
  });
}

/**
 * Workflow executions: failure ratio, latency, and executions that stop finishing.
 */
import { workflowExecutionDurationSeconds, workflowExecutionsInProgress, workflowExecutionsTotal, queueDepth } from '../lib/catalog/metrics';
import { executionStatusLabel } from '../lib/catalog/labels';
import { TARGET_LABELS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { aggregateBy, histogramQuantile, rate, ratio, sumBy } from '../lib/promql/functions';
import { buckets, select } from '../lib/promql/selector';
import { defineRecord, type RuleGroupDefinition } from '../lib/rules/rule-definition';
import { percent } from '../lib/rules/format';

const { job } = TARGET_LABELS;
const le = { description: 'Histogram bucket upper bound.', pattern: /^.+$/ };

export const workflowExecutionsRate = defineRecord({
  record: 'job_status:gorax_workflow_executions:rate5m',
  expr: sumBy(['job', 'status'], rate(select(workflowExecutionsTotal), '5m')),
  labels: { job, status: executionStatusLabel },
  unit: 'ops',
});

export const workflowFailureRatio = defineRecord({
  record: 'job:gorax_workflow_executions:failure_ratio_rate5m',
  expr: ratio(
    rate(select(workflowExecutionsTotal, { status: 'failed' }), '5m'),
    rate(select(workflowExecutionsTotal), '5m'),
    ['job'],
  ),
  labels: { job },
  unit: 'percentunit',
});

export const workflowDurationBucketRate = defineRecord({
  record: 'job_le:gorax_workflow_execution_duration_seconds_bucket:rate5m',
  expr: sumBy(['job', 'le'], rate(buckets(workflowExecutionDurationSeconds), '5m')),
  labels: { job, le },
  unit: 'short',
});

const { workflowFailureRatio: failure, workflowDurationP95Seconds } = THRESHOLDS;

export const workflowRules: RuleGroupDefinition = {
  name: 'gorax-workflows',
  records: [workflowExecutionsRate, workflowFailureRatio, workflowDurationBucketRate],
  alerts: [
    {
      name: 'HighWorkflowFailureRate',
      expr: `${select(workflowFailureRatio)} > ${failure.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'More workflow executions are failing than usual.',
      description: `{{ $value | humanizePercentage }} of the workflow executions that finished in the last 5 minutes failed (threshold ${percent(failure.warning)}).`,
      dashboard: 'gorax-workflows',
    },
    {
      name: 'CriticalWorkflowFailureRate',
      expr: `${select(workflowFailureRatio)} > ${failure.critical}`,
      for: '2m',
      severity: 'critical',
      summary: 'A large share of workflow executions is failing.',
      description: `{{ $value | humanizePercentage }} of the workflow executions that finished in the last 5 minutes failed (threshold ${percent(failure.critical)}).`,
      dashboard: 'gorax-workflows',
    },
    {
      name: 'SlowWorkflowExecutions',
      expr: `${histogramQuantile(0.95, select(workflowDurationBucketRate))} > ${workflowDurationP95Seconds.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'Workflow executions are taking longer than usual.',
      description: `The 95th percentile of workflow execution time over the last 5 minutes is {{ $value | humanizeDuration }} (threshold ${workflowDurationP95Seconds.warning}s).`,
      dashboard: 'gorax-workflows',
    },
    {
      // Work is waiting or running, yet no execution finished (either way) for 5 minutes.
      // Written on fleet-wide aggregates so it fires once, and it fires even when no
      // execution ever finished (the finished-executions series is then absent).
      name: 'WorkflowExecutionStalled',
      expr: [
        '(',
        `  ${aggregateBy('max', [], select(queueDepth))} > 0`,
        '  or',
        `  ${sumBy([], select(workflowExecutionsInProgress))} > 0`,
        ')',
        'unless',
        `${sumBy([], select(workflowExecutionsRate))} > 0`,
      ].join('\n'),
      for: '10m',
      severity: 'critical',
      summary: 'Workflow executions are queued or running, but none is finishing.',
      description:
        'Jobs are waiting in the queue or executions are in progress ({{ $value }}), yet no workflow execution has finished in the last 5 minutes.',
      dashboard: 'gorax-workflows',
    },
  ],
};

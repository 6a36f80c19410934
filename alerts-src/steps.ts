/**
 * Workflow steps: failure ratio per step type, and failing outbound HTTP actions.
 */
import { stepExecutionDurationSeconds, stepExecutionsTotal } from '../lib/catalog/metrics';
import { executionStatusLabel, stepTypeLabel } from '../lib/catalog/labels';
import { TARGET_LABELS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { rate, ratio, sumBy } from '../lib/promql/functions';
import { buckets, select } from '../lib/promql/selector';
import { defineRecord, type RuleGroupDefinition } from '../lib/rules/rule-definition';
import { percent } from '../lib/rules/format';

const { job } = TARGET_LABELS;
const le = { description: 'Histogram bucket upper bound.', pattern: /^.+$/ };

export const stepExecutionsRate = defineRecord({
  record: 'job_step_type_status:gorax_step_executions:rate5m',
  expr: sumBy(['job', 'step_type', 'status'], rate(select(stepExecutionsTotal), '5m')),
  labels: { job, step_type: stepTypeLabel, status: executionStatusLabel },
  unit: 'ops',
});

export const stepFailureRatio = defineRecord({
  record: 'job_step_type:gorax_step_executions:failure_ratio_rate5m',
  expr: ratio(
    rate(select(stepExecutionsTotal, { status: 'failed' }), '5m'),
    rate(select(stepExecutionsTotal), '5m'),
    ['job', 'step_type'],
  ),
  labels: { job, step_type: stepTypeLabel },
  unit: 'percentunit',
});

export const stepDurationBucketRate = defineRecord({
  record: 'job_step_type_le:gorax_step_execution_duration_seconds_bucket:rate5m',
  expr: sumBy(['job', 'step_type', 'le'], rate(buckets(stepExecutionDurationSeconds), '5m')),
  labels: { job, step_type: stepTypeLabel, le },
  unit: 'short',
});

const { stepFailureRatio: failure, httpActionFailuresPerSecond } = THRESHOLDS;

export const stepRules: RuleGroupDefinition = {
  name: 'gorax-steps',
  records: [stepExecutionsRate, stepFailureRatio, stepDurationBucketRate],
  alerts: [
    {
      name: 'HighStepFailureRate',
      expr: `${select(stepFailureRatio)} > ${failure.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'Many workflow steps of one type are failing.',
      description: `{{ $value | humanizePercentage }} of {{ $labels.step_type }} steps that finished in the last 5 minutes failed (threshold ${percent(failure.warning)}).`,
      dashboard: 'gorax-workflows',
    },
    {
      // step_type is the executor's node type: "action:http" (the original matched "http", which never exists).
      name: 'HTTPActionFailures',
      expr: `${sumBy(['job'], select(stepExecutionsRate, { step_type: 'action:http', status: 'failed' }))} > ${httpActionFailuresPerSecond.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'Outbound HTTP action steps are failing.',
      description: `action:http steps are failing at {{ $value | humanize }} per second over the last 5 minutes (threshold ${httpActionFailuresPerSecond.warning}/s).`,
      dashboard: 'gorax-workflows',
    },
  ],
};

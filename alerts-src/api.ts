/**
 * The API: server errors and latency as users see them (health probes excluded).
 */
import { httpRequestDurationSeconds, httpRequestsTotal } from '../lib/catalog/metrics';
import { httpMethodLabel, httpPathLabel, httpStatusLabel } from '../lib/catalog/labels';
import { JOBS, TARGET_LABELS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { histogramQuantile, rate, ratio, sumBy } from '../lib/promql/functions';
import { buckets, matching, notMatching, select } from '../lib/promql/selector';
import { defineRecord, type RuleGroupDefinition } from '../lib/rules/rule-definition';
import { percent } from '../lib/rules/format';

const { job } = TARGET_LABELS;
const le = { description: 'Histogram bucket upper bound.', pattern: /^.+$/ };

/** Probe routes are answered for the kubelet, not for users; their 503s and latency are not API errors. */
export const HEALTH_ROUTES = '/health/.*';

export const httpRequestsRate = defineRecord({
  record: 'job_method_path_status:gorax_http_requests:rate5m',
  expr: sumBy(['job', 'method', 'path', 'status'], rate(select(httpRequestsTotal), '5m')),
  labels: { job, method: httpMethodLabel, path: httpPathLabel, status: httpStatusLabel },
  unit: 'reqps',
});

export const httpErrorRatio = defineRecord({
  record: 'job:gorax_http_requests:error_ratio_rate5m',
  expr: ratio(
    rate(select(httpRequestsTotal, { status: matching('5..'), path: notMatching(HEALTH_ROUTES) }), '5m'),
    rate(select(httpRequestsTotal, { path: notMatching(HEALTH_ROUTES) }), '5m'),
    ['job'],
  ),
  labels: { job },
  unit: 'percentunit',
});

export const httpDurationBucketRate = defineRecord({
  record: 'job_path_le:gorax_http_request_duration_seconds_bucket:rate5m',
  expr: sumBy(['job', 'path', 'le'], rate(buckets(httpRequestDurationSeconds), '5m')),
  labels: { job, path: httpPathLabel, le },
  unit: 'short',
});

const { httpErrorRatio: errors, httpLatencyP95Seconds: latency } = THRESHOLDS;

export const apiRules: RuleGroupDefinition = {
  name: 'gorax-api',
  records: [httpRequestsRate, httpErrorRatio, httpDurationBucketRate],
  alerts: [
    {
      name: 'HighHTTPErrorRate',
      expr: `${select(httpErrorRatio, { job: JOBS.api })} > ${errors.critical}`,
      for: '5m',
      severity: 'critical',
      summary: 'The API is answering many requests with server errors.',
      description: `{{ $value | humanizePercentage }} of API requests in the last 5 minutes got a 5xx answer (threshold ${percent(errors.critical)}; health probes excluded).`,
      dashboard: 'gorax-api',
    },
    {
      name: 'HighHTTPLatency',
      expr: `${histogramQuantile(
        0.95,
        sumBy(['job', 'le'], select(httpDurationBucketRate, { job: JOBS.api, path: notMatching(HEALTH_ROUTES) })),
      )} > ${latency.warning}`,
      for: '5m',
      severity: 'warning',
      summary: 'The API is answering slowly.',
      description: `The 95th percentile of API response time over the last 5 minutes is {{ $value | humanizeDuration }} (threshold ${latency.warning}s; health probes excluded).`,
      dashboard: 'gorax-api',
    },
  ],
};

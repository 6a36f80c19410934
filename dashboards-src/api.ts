/**
 * gorax-api: what the API's users see (traffic, errors and latency by route)
 * and the API processes themselves. HighHTTPErrorRate, HighHTTPLatency and
 * the API's HighMemoryUsage and GoraxTargetDown alerts point here.
 *
 * Rate windows: the alert-signal row charts the recorded 5m series the alerts
 * evaluate (health probes excluded, as in the alerts); the per-route panels
 * use raw counters over $__rate_interval and include every route.
 */
import { httpRequestDurationSeconds, httpRequestsTotal } from '../lib/catalog/metrics';
import { JOBS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { histogramQuantile, quantileOverBuckets, rate, ratio, sumBy, topk } from '../lib/promql/functions';
import { buckets, matching, notMatching, select } from '../lib/promql/selector';
import { percent } from '../lib/rules/format';
import { HEALTH_ROUTES, httpDurationBucketRate, httpErrorRatio } from '../alerts-src/api';
import { buildDashboard, type GrafanaDashboard } from './layout';
import { table, timeseries } from './panels';
import { processPanels } from './process-panels';
import { alertAbove } from './thresholds';

const STATUS_CLASSES = ['1', '2', '3', '4', '5'] as const;
const QUANTILES = [0.5, 0.95, 0.99] as const;

export function apiDashboard(): GrafanaDashboard {
  const { httpErrorRatio: errors, httpLatencyP95Seconds: latency } = THRESHOLDS;
  const job = JOBS.api;
  const requests = (extra: { status?: ReturnType<typeof matching> } = {}) => select(httpRequestsTotal, { job, ...extra });
  const durationBuckets = buckets(httpRequestDurationSeconds, { job });

  return buildDashboard({
    uid: 'gorax-api',
    title: 'Gorax / API',
    description: 'The Gorax API: request rate, errors and latency by route, and the health of the API processes.',
    rows: [
      {
        title: 'Alert signals (5m windows, health probes excluded)',
        panels: [
          timeseries({
            title: 'API 5xx ratio (alert signal)',
            description: `Share of API requests answered with a 5xx status over 5m, health probes excluded: the recorded series HighHTTPErrorRate evaluates (above ${percent(errors.critical)} for 5m).`,
            unit: 'percentunit',
            queries: [{ expr: select(httpErrorRatio, { job }), legend: '5xx ratio' }],
            thresholds: alertAbove(errors, 'API 5xx ratio'),
            min: 0,
            width: 12,
            height: 8,
          }),
          timeseries({
            title: 'API latency p95 (alert signal)',
            description: `The 95th percentile of API response time over 5m from the recorded bucket rates, health probes excluded: the HighHTTPLatency signal (above ${latency.warning}s for 5m).`,
            unit: 's',
            queries: [
              {
                expr: histogramQuantile(0.95, sumBy(['le', 'job'], select(httpDurationBucketRate, { job, path: notMatching(HEALTH_ROUTES) }))),
                legend: 'p95',
              },
            ],
            thresholds: alertAbove(latency, 'API latency p95'),
            min: 0,
            width: 12,
            height: 8,
          }),
        ],
      },
      {
        title: 'Requests by route',
        panels: [
          timeseries({
            title: 'Request rate by route and status class',
            description: 'Requests answered per second for each route template, split by status class (2xx, 4xx, 5xx…), over $__rate_interval. Every route, health probes included.',
            unit: 'reqps',
            queries: STATUS_CLASSES.map((c) => ({
              expr: sumBy(['path'], rate(requests({ status: matching(`${c}..`) }), '$__rate_interval')),
              legend: `{{path}} ${c}xx`,
            })),
            min: 0,
            width: 12,
            height: 9,
          }),
          timeseries({
            title: 'Error ratio by route',
            description: `Share of each route's requests answered with a 5xx status, over $__rate_interval. The dashed line is the HighHTTPErrorRate threshold (${percent(errors.critical)}, which applies to all non-probe routes together).`,
            unit: 'percentunit',
            queries: [
              {
                expr: ratio(rate(requests({ status: matching('5..') }), '$__rate_interval'), rate(requests(), '$__rate_interval'), ['path']),
                legend: '{{path}}',
              },
            ],
            thresholds: alertAbove(errors, 'API error ratio'),
            min: 0,
            width: 12,
            height: 9,
          }),
          timeseries({
            title: 'Latency p50/p95/p99 by route',
            description: `Response time percentiles per route template over the aggregated histogram buckets, over $__rate_interval. The dashed line is the HighHTTPLatency p95 threshold (${latency.warning}s).`,
            unit: 's',
            queries: QUANTILES.map((q) => ({
              expr: quantileOverBuckets(q, durationBuckets, ['path'], '$__rate_interval'),
              legend: `{{path}} p${Math.round(q * 100)}`,
            })),
            thresholds: alertAbove(latency, 'API latency p95'),
            min: 0,
            width: 14,
            height: 9,
          }),
          table({
            title: 'Slowest routes (p95)',
            description: 'The ten routes with the highest 95th percentile response time over the last $__rate_interval.',
            unit: 's',
            valueColumn: 'p95',
            queries: [{ expr: topk(10, quantileOverBuckets(0.95, durationBuckets, ['path'], '$__rate_interval')) }],
            thresholds: alertAbove(latency, 'API latency p95'),
            width: 10,
            height: 9,
          }),
        ],
      },
      {
        title: 'API processes',
        panels: processPanels({ job, name: 'API', workload: 'api' }),
      },
    ],
  });
}

import { activeWorkers, httpRequestDurationSeconds, httpRequestsTotal, queueDepth, stepExecutionsTotal } from '../../lib/catalog/metrics';
import { queryFacts } from '../../lib/promql/query-facts';
import {
  catalogProblems,
  counterProblems,
  histogramQuantileProblems,
  lintQuery,
  rangeProblems,
  resultLabels,
} from '../../lib/promql/query-lint';
import { seriesCatalog } from '../../lib/promql/series-catalog';
import { queueDepthMax } from '../../alerts-src/queue-workers';
import { httpDurationBucketRate } from '../../alerts-src/api';

const catalog = seriesCatalog({
  metrics: [activeWorkers, httpRequestDurationSeconds, httpRequestsTotal, queueDepth, stepExecutionsTotal],
  recordingRules: [queueDepthMax, httpDurationBucketRate],
});
const facts = (expr: string) => queryFacts(expr);

describe('seriesCatalog', () => {
  it('expands histograms into counters with le, adds scrape labels to scraped series only', () => {
    expect(catalog.get('gorax_http_request_duration_seconds_bucket')).toMatchObject({ kind: 'counter' });
    expect(Object.keys(catalog.get('gorax_http_request_duration_seconds_bucket')!.labels)).toEqual(
      expect.arrayContaining(['le', 'job', 'instance', 'method', 'path']),
    );
    expect(catalog.get('gorax_http_request_duration_seconds_count')?.kind).toBe('counter');
    expect(catalog.has('gorax_http_request_duration_seconds')).toBe(false);
    expect(catalog.get('queue:gorax_queue_depth:max')).toMatchObject({ kind: 'recorded' });
    expect(Object.keys(catalog.get('queue:gorax_queue_depth:max')!.labels)).toEqual(['queue']);
  });

  it('refuses a name declared twice', () => {
    expect(() => seriesCatalog({ metrics: [queueDepth, queueDepth] })).toThrow('"gorax_queue_depth" is declared twice');
  });
});

describe('lint checks', () => {
  it('counterProblems: counters only inside rate()/increase(), which only take counters', () => {
    expect(counterProblems(facts('sum(rate(gorax_http_requests_total[5m]))'), catalog)).toEqual([]);
    expect(counterProblems(facts('gorax_http_requests_total > 0'), catalog)).toEqual([
      'counter gorax_http_requests_total is used outside rate()/increase(): gorax_http_requests_total',
    ]);
    expect(counterProblems(facts('max_over_time(gorax_http_requests_total[5m])'), catalog)).toHaveLength(1);
    expect(counterProblems(facts('rate(gorax_queue_depth[5m])'), catalog)).toEqual([
      'rate() over gorax_queue_depth, which is a gauge, not a counter: rate(gorax_queue_depth[5m])',
    ]);
    expect(counterProblems(facts('increase(queue:gorax_queue_depth:max[5m])'), catalog)).toEqual([
      expect.stringContaining('which is a recorded series, not a counter'),
    ]);
  });

  it('rangeProblems: every rate/increase/irate on the required range', () => {
    expect(rangeProblems(queryFacts('rate(a_total[$__rate_interval])'), '$__rate_interval')).toEqual([]);
    expect(rangeProblems(queryFacts('irate(a_total[1m]) + deriv(g[15m])'), '$__rate_interval')).toEqual([
      'irate() must use [$__rate_interval], not [1m]: irate(a_total[1m])',
    ]);
  });

  it('histogramQuantileProblems: sum by (le, …) required; recorded le series only when allowed', () => {
    const ok = 'histogram_quantile(0.9, sum by (path, le) (rate(gorax_http_request_duration_seconds_bucket[5m])))';
    expect(histogramQuantileProblems(facts(ok))).toEqual([]);
    expect(histogramQuantileProblems(facts('histogram_quantile(0.9, (sum by (le) (x)))'))).toEqual([]);
    expect(histogramQuantileProblems(facts('histogram_quantile(0.9, max by (le) (x))'))).toHaveLength(1);
    expect(histogramQuantileProblems(facts('histogram_quantile(0.9, sum without (le) (x))'))).toHaveLength(1);
    const recorded = 'histogram_quantile(0.95, job_path_le:gorax_http_request_duration_seconds_bucket:rate5m)';
    expect(histogramQuantileProblems(facts(recorded))).toHaveLength(1);
    expect(histogramQuantileProblems(facts(recorded), { allowRecordedBuckets: catalog })).toEqual([]);
  });

  it('catalogProblems: metrics, labels, closed values (literal and regex), open shapes and grouping labels', () => {
    expect(catalogProblems(facts('sum by (step_type) (rate(gorax_step_executions_total{status="failed", step_type=~"action:.*"}[5m]))'), catalog)).toEqual([]);
    expect(catalogProblems(facts('gorax_step_executions_total{step_type=~"http.*"}'), catalog)).toEqual([
      expect.stringContaining('the regex matches no declared value of "step_type"'),
    ]);
    expect(catalogProblems(facts('gorax_step_executions_total{status!="success"}'), catalog)).toEqual([
      expect.stringContaining('"success" is not a declared value of "status"'),
    ]);
    expect(catalogProblems(facts('gorax_http_requests_total{status="OK"}'), catalog)).toEqual([
      expect.stringContaining('"OK" does not have the shape of "status"'),
    ]);
    expect(catalogProblems(facts('gorax_http_requests_total{job="gorax-cron"}'), catalog)).toEqual([
      expect.stringContaining('"gorax-cron" is not a declared value of "job"'),
    ]);
    expect(catalogProblems(facts('queue:gorax_queue_depth:max{job="gorax-api"}'), catalog)).toEqual([
      expect.stringContaining('queue:gorax_queue_depth:max has no label "job"'),
    ]);
    expect(catalogProblems(facts('{__name__="up"}'), catalog)).toEqual(['selector without a metric name: {__name__="up"}']);
    expect(catalogProblems(facts('sum by (tenant_id) (gorax_queue_depth)'), catalog)).toEqual([
      expect.stringContaining('no series being aggregated has label "tenant_id"'),
    ]);
    expect(catalogProblems(queryFacts('gorax_step_executions_total{status=~"$s"}', { variables: { s: '.*' } }), catalog)).toEqual([
      expect.stringContaining('closed label "status" of gorax_step_executions_total is matched with a variable'),
    ]);
  });

  it('resultLabels follows aggregation, functions and vector matching', () => {
    const labels = (expr: string) => resultLabels(queryFacts(expr).ast, catalog);
    expect(labels('sum by (path) (rate(gorax_http_requests_total[5m]))')).toEqual(['path']);
    expect(labels('histogram_quantile(0.9, sum by (le, path) (rate(gorax_http_request_duration_seconds_bucket[5m])))')).toEqual(['path']);
    expect(labels('topk(3, sum by (queue) (gorax_queue_depth))')).toEqual(['queue']);
    expect(labels('sum without (instance, pod, namespace) (gorax_active_workers)')).toEqual(['job']);
    expect(labels('sum(gorax_active_workers) or vector(0)')).toEqual([]);
    expect(labels('queue:gorax_queue_depth:max / on (queue) group_left (job) gorax_queue_depth')).toEqual(['job', 'queue']);
    expect(labels('gorax_queue_depth / on (queue) gorax_queue_depth')).toEqual(['queue']);
    expect(labels('1 - gorax_queue_depth')).toEqual(['instance', 'job', 'namespace', 'pod', 'queue']);
    expect(labels('label_replace(sum by (queue) (gorax_queue_depth), "q", "$1", "queue", "(.*)")')).toEqual(['q', 'queue']);
    expect(labels('count_values("v", gorax_active_workers)')).toEqual(['v']);
    expect(labels('absent(up{job="gorax-api", instance=~"a.*"})')).toEqual(['job']);
  });

  it('lintQuery runs every check and reports a syntax error as one problem', () => {
    expect(lintQuery('sum(rate(gorax_http_requests_total[$__rate_interval]))', { catalog, rateRange: '$__rate_interval' })).toEqual([]);
    expect(lintQuery('sum(rate(gorax_http_requests_total[5m]))', { catalog, rateRange: '$__rate_interval' })).toHaveLength(1);
    expect(lintQuery('sum(rate(gorax_http_requests_total[5m]))', { catalog })).toEqual([]);
    expect(lintQuery('sum(', { catalog })).toEqual([expect.stringContaining('invalid PromQL')]);
  });
});

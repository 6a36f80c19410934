/**
 * Our LabelledCounter and LabelledHistogram must be indistinguishable from
 * prom-client's Counter and Histogram on the wire: the same observations give
 * the same exposition bytes, in the Prometheus text format and in OpenMetrics
 * (with exemplars), through our CatalogRegistry and through a plain
 * prom-client Registry; and promtool accepts what we render.
 */
import { execFileSync } from 'node:child_process';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CatalogRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { LabelledCounter } from '../../../lib/runtime/metrics/labelled-counter';
import { LabelledHistogram } from '../../../lib/runtime/metrics/labelled-histogram';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SERIES = [
  { tenant_id: 'acme', workflow_id: 'w1' },
  { tenant_id: 'globex', workflow_id: 'w2' },
  { tenant_id: 'odd "quoted" \\ back\nslash', workflow_id: '__overflow__' },
];
/** Values on bounds, between bounds, above the last one, zero, and fractions whose sums are not exact in binary. */
const VALUES = [0, 0.005, 0.0051, 0.1, 0.3, 1, 2.5, 7.25, 10, 11, 1234.5, 0.1 + 0.2];

type AnyRegistry = Registry;
/** prom-client's typings omit the constructor's content-type argument its JavaScript takes. */
const PromRegistry = Registry as unknown as new (contentType: string) => Registry;
function registries(openMetrics: boolean): { ours: AnyRegistry; plain: AnyRegistry; theirs: AnyRegistry } {
  const type = openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
  return {
    ours: new CatalogRegistry(type),
    plain: new PromRegistry(type),
    theirs: new PromRegistry(type),
  };
}

function feed(openMetrics: boolean, withExemplars: boolean) {
  const { ours, plain, theirs } = registries(openMetrics);
  const ourHistogram = new LabelledHistogram('demo_duration_seconds', 'Demo "durations"\nwith \\ escapes.', ['tenant_id', 'workflow_id'], BUCKETS);
  const ourCounter = new LabelledCounter('demo_requests_total', 'Demo requests.', ['tenant_id', 'workflow_id']);
  const ourPlainCounter = new LabelledCounter('demo_unlabelled_total', 'A counter without labels.', []);
  const ourPlainHistogram = new LabelledHistogram('demo_unlabelled_seconds', 'A histogram without labels.', [], [1, 2]);
  for (const registry of [ours, plain]) {
    for (const metric of [ourHistogram, ourCounter, ourPlainCounter, ourPlainHistogram]) registry.registerMetric(metric as never);
  }
  const theirHistogram = new Histogram({
    name: 'demo_duration_seconds',
    help: 'Demo "durations"\nwith \\ escapes.',
    labelNames: ['tenant_id', 'workflow_id'],
    buckets: BUCKETS,
    registers: [theirs],
    enableExemplars: withExemplars,
  });
  const theirCounter = new Counter({ name: 'demo_requests_total', help: 'Demo requests.', labelNames: ['tenant_id', 'workflow_id'], registers: [theirs] });
  const theirPlainCounter = new Counter({ name: 'demo_unlabelled_total', help: 'A counter without labels.', registers: [theirs] });
  const theirPlainHistogram = new Histogram({ name: 'demo_unlabelled_seconds', help: 'A histogram without labels.', buckets: [1, 2], registers: [theirs] });

  SERIES.forEach((labels, s) => {
    const histogramSeries = ourHistogram.labels(labels);
    const counterSeries = ourCounter.labels(labels);
    VALUES.forEach((value, i) => {
      if ((i + s) % 3 === 0) return; // series differ in what they saw
      const exemplar = withExemplars && i % 2 === 0 ? { trace_id: `trace${s}${i}`, span_id: `span${i}` } : undefined;
      histogramSeries.observe(value, exemplar);
      if (withExemplars) (theirHistogram.observe as (o: object) => void)({ labels, value, ...(exemplar ? { exemplarLabels: exemplar } : {}) });
      else theirHistogram.observe(labels, value);
      counterSeries.inc(value);
      theirCounter.inc(labels, value);
    });
  });
  // prom-client's own metrics, as a process registry also holds (gauges, the default process counters).
  const sharedGauge = new Gauge({ name: 'demo_queue_depth', help: 'A prom-client gauge.', labelNames: ['queue'], registers: [ours, plain, theirs] });
  const sharedCounter = new Counter({ name: 'demo_restarts_total', help: 'A prom-client counter.', registers: [ours, plain, theirs] });
  sharedGauge.set({ queue: 'default' }, 7);
  sharedCounter.inc(2);
  ourPlainCounter.labels({}).inc(3);
  theirPlainCounter.inc(3);
  ourPlainHistogram.labels({}).observe(1.5);
  theirPlainHistogram.observe(1.5);
  return { ours, plain, theirs };
}

describe('exposition compatibility with prom-client', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_123));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['Prometheus text', false, false],
    ['OpenMetrics', true, false],
    ['OpenMetrics with exemplars', true, true],
  ])('renders the same bytes as prom-client: %s', async (_name, openMetrics, withExemplars) => {
    const { ours, plain, theirs } = feed(openMetrics, withExemplars);
    // Ours first: prom-client's own metrics() renames shared counters in place (OpenMetrics), ours must not depend on that.
    const ourBytes = await (ours as CatalogRegistry).exposition(openMetrics);
    const ourText = await ours.metrics();
    const expected = await theirs.metrics();
    expect(ourBytes.toString('utf8')).toBe(expected);
    expect(ourText).toBe(expected);
    expect(await plain.metrics()).toBe(expected);
    if (withExemplars) expect(expected).toContain('# {trace_id="trace02",span_id="span2"} 0.0051 1700000000.123');
    expect(expected).toContain('demo_duration_seconds_bucket{le="+Inf",tenant_id="acme",workflow_id="w1"}');
  });

  it('renders the other format on request and leaves the registry as it was', async () => {
    const { ours } = feed(true, true);
    const registry = ours as CatalogRegistry;
    const [openMetrics, text] = await Promise.all([registry.exposition(true), registry.exposition(false)]);
    expect(openMetrics.toString()).toContain('demo_restarts_total 2\n');
    expect(openMetrics.toString()).toContain('# TYPE demo_restarts counter');
    expect(openMetrics.toString()).toMatch(/ # \{trace_id="trace\d+",span_id="span\d+"\} /);
    expect(openMetrics.toString().endsWith('\n# EOF\n')).toBe(true);
    expect(text.toString()).toContain('# TYPE demo_restarts_total counter\ndemo_restarts_total 2');
    expect(text.toString()).not.toContain('# {');
    expect(registry.contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(registry.getSingleMetric('demo_restarts_total')).toBeDefined();
  });

  it('passes promtool check metrics', async () => {
    const { ours } = feed(false, false);
    // promtool exits non-zero on any parse error or lint problem.
    const output = execFileSync('promtool', ['check', 'metrics'], { input: await ours.metrics(), encoding: 'utf8' });
    expect(output).toBe('');
  });

  it('rejects what prom-client rejects', () => {
    const histogram = new LabelledHistogram('demo_seconds', 'Demo.', ['a'], [1]);
    expect(() => histogram.labels({ a: 'x' }).observe(Number.NaN)).toThrow(/not a valid number/);
    expect(() => histogram.labels({ b: 'x' } as never)).toThrow(/label a needs a string value/);
    expect(() => histogram.labels({ a: 'x', b: 'y' })).toThrow(/unknown label b/);
    expect(() => new LabelledHistogram('demo_seconds', 'Demo.', ['le'], [1])).toThrow(/le is a reserved label/);
    const counter = new LabelledCounter('demo_total', 'Demo.', ['a']);
    expect(() => counter.labels({ a: 'x' }).inc(-1)).toThrow(/only goes up/);
    expect(() => histogram.labels({ a: 'x' }).observe(1, { trace_id: 'x'.repeat(130) })).toThrow(/smaller than 128/);
  });

  it('returns the same series for the same labels, in any key order', () => {
    const histogram = new LabelledHistogram('demo_seconds', 'Demo.', ['a', 'b'], [1]);
    expect(histogram.labels({ a: '1', b: '2' })).toBe(histogram.labels({ b: '2', a: '1' }));
    expect(histogram.seriesCount).toBe(1);
  });
});

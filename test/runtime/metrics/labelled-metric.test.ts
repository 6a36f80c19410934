import { Registry } from 'prom-client';
import { CatalogRegistry } from '../../../lib/runtime/metrics/catalog-registry';
import { LabelledCounter } from '../../../lib/runtime/metrics/labelled-counter';
import { LabelledHistogram } from '../../../lib/runtime/metrics/labelled-histogram';
import { parseMetrics, select, valueOf } from '../support/metrics-text';

function registered<M extends LabelledCounter | LabelledHistogram>(registry: Registry, metric: M): M {
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  return metric;
}

describe('LabelledMetric.remove', () => {
  it('drops one series from the exposition; the same labels later get a fresh series', async () => {
    const registry = new CatalogRegistry();
    const counter = registered(registry, new LabelledCounter('test_things_total', 'Things.', ['kind']));
    const a = counter.labels({ kind: 'a' });
    counter.labels({ kind: 'b' }).inc(2);
    a.inc(5);

    expect(counter.remove({ kind: 'a' })).toBe(true);
    expect(counter.remove({ kind: 'a' })).toBe(false);
    expect(counter.seriesCount).toBe(1);
    const text = await registry.metrics();
    expect(text).not.toContain('kind="a"');
    expect(select(parseMetrics(text), 'test_things_total')).toEqual([{ name: 'test_things_total', labels: { kind: 'b' }, value: 2 }]);

    const again = counter.labels({ kind: 'a' });
    expect(again).not.toBe(a);
    again.inc();
    expect(valueOf(parseMetrics(await registry.metrics()), 'test_things_total', { kind: 'a' })).toBe(1);
  });

  it('removes histogram series with all their bucket, sum and count lines', async () => {
    const registry = new CatalogRegistry();
    const histogram = registered(registry, new LabelledHistogram('test_seconds', 'Time.', ['kind'], [0.1, 1]));
    histogram.labels({ kind: 'a' }).observe(0.5);
    histogram.labels({ kind: 'b' }).observe(2);
    histogram.remove({ kind: 'a' });
    const samples = parseMetrics(await registry.metrics());
    expect(samples.filter((s) => s.labels.kind === 'a')).toEqual([]);
    expect(valueOf(samples, 'test_seconds_count', { kind: 'b' })).toBe(1);
  });

  it('checks the label names as labels() does', () => {
    const counter = new LabelledCounter('test_things_total', 'Things.', ['kind']);
    expect(() => counter.remove({})).toThrow('label kind needs a string value');
    expect(() => counter.remove({ kind: 'a', other: 'x' })).toThrow('unknown label other');
  });
});

describe('LabelledMetric.reset (Registry.resetMetrics)', () => {
  it('zeroes every series in place and keeps them, so series held by callers stay exported', async () => {
    const registry = new CatalogRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
    const counter = registered(registry, new LabelledCounter('test_things_total', 'Things.', ['kind']));
    const histogram = registered(registry, new LabelledHistogram('test_seconds', 'Time.', ['kind'], [0.1, 1]));
    const unlabelled = registered(registry, new LabelledCounter('test_plain_total', 'Plain.', []));
    const things = counter.labels({ kind: 'a' });
    const seconds = histogram.labels({ kind: 'a' });
    things.inc(3);
    seconds.observe(0.5, { trace_id: '0af7651916cd43dd8448eb211c80319c' });
    seconds.observe(5);
    unlabelled.labels({}).inc(4);

    registry.resetMetrics();
    const zeroed = await registry.metrics();
    expect(zeroed).not.toContain('trace_id');
    const samples = parseMetrics(zeroed.replace('# EOF\n', ''));
    expect(valueOf(samples, 'test_things_total', { kind: 'a' })).toBe(0);
    expect(valueOf(samples, 'test_plain_total')).toBe(0);
    expect(select(samples, 'test_seconds_bucket', { kind: 'a' }).map((s) => [s.labels.le, s.value])).toEqual([
      ['0.1', 0],
      ['1', 0],
      ['+Inf', 0],
    ]);
    expect(valueOf(samples, 'test_seconds_sum', { kind: 'a' })).toBe(0);
    expect(valueOf(samples, 'test_seconds_count', { kind: 'a' })).toBe(0);

    // The objects held before the reset are the exported ones.
    things.inc();
    seconds.observe(0.05);
    const after = parseMetrics((await registry.metrics()).replace('# EOF\n', ''));
    expect(valueOf(after, 'test_things_total', { kind: 'a' })).toBe(1);
    expect(valueOf(after, 'test_seconds_bucket', { kind: 'a', le: '0.1' })).toBe(1);
    expect(valueOf(after, 'test_seconds_sum', { kind: 'a' })).toBe(0.05);
    expect(counter.labels({ kind: 'a' })).toBe(things);
  });
});

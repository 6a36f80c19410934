/**
 * A histogram whose series are created once per label combination. A series
 * keeps per-bucket counts in a Float64Array and, when given exemplar labels
 * (OpenMetrics, e.g. a trace_id), the last exemplar of each bucket, rendered
 * exactly where prom-client's enableExemplars histograms put them.
 */
import { assertExemplarSize, type Exemplar, formatExemplar, headerLines } from './exposition-text';
import { ASCII, encoded, type ExpositionWriter } from './exposition-writer';
import { LabelledMetric, type SeriesLabels } from './labelled-metric';

export class HistogramSeries {
  /** Non-cumulative counts; the last slot is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** Last exemplar per bucket (same slots as counts); allocated on the first exemplar. */
  exemplars: (Exemplar | undefined)[] | undefined;

  constructor(
    readonly labels: SeriesLabels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number, exemplarLabels?: Readonly<Record<string, string>>): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    const bounds = this.bounds;
    let slot = 0;
    while (slot < bounds.length && value > bounds[slot]!) slot++;
    this.counts[slot]!++;
    this.sum += value;
    this.count++;
    if (exemplarLabels !== undefined) this.keepExemplar(slot, value, exemplarLabels);
  }

  /** Back to no observation: counts, sum and count 0, no exemplar. */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.exemplars = undefined;
  }

  private keepExemplar(slot: number, value: number, labels: Readonly<Record<string, string>>): void {
    if (Object.keys(labels).length === 0) return;
    assertExemplarSize(labels);
    this.exemplars ??= new Array<Exemplar | undefined>(this.counts.length).fill(undefined);
    this.exemplars[slot] = { labels, value, timestamp: Date.now() / 1000 };
  }
}

/** A `_sum` or `_count` line: the series labels in braces (copied, already written on the bucket lines). */
function writeTotalLine(out: ExpositionWriter, prefix: Buffer, labels: string, value: number): void {
  out.raw(prefix);
  if (labels !== '') {
    out.byte(ASCII.openBrace);
    out.repeated(labels);
    out.byte(ASCII.closeBrace);
  }
  out.byte(ASCII.space);
  out.value(value);
}

export class LabelledHistogram extends LabelledMetric<HistogramSeries> {
  readonly type = 'histogram';
  /** Bucket upper bounds, ascending (prom-client's property name). */
  readonly upperBounds: readonly number[];
  /** `\nname_bucket{le="0.5"` per bucket, then `\nname_sum`, `\nname_count`: the fixed bytes of every series. */
  private readonly bucketPrefixes: readonly Buffer[];
  private readonly sumPrefix: Buffer;
  private readonly countPrefix: Buffer;

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    if (labelNames.includes('le')) throw new Error(`metric ${name}: le is a reserved label name`);
    super(name, help, labelNames);
    this.upperBounds = Object.freeze([...buckets]);
    this.bucketPrefixes = [...this.upperBounds.map((b) => `${b}`), '+Inf'].map((le) => encoded(`\n${name}_bucket{le="${le}"`));
    this.sumPrefix = encoded(`\n${name}_sum`);
    this.countPrefix = encoded(`\n${name}_count`);
    this.seedUnlabelledSeries();
  }

  protected createSeries(labels: SeriesLabels): HistogramSeries {
    return new HistogramSeries(labels, this.upperBounds);
  }

  writeExposition(out: ExpositionWriter, openMetrics: boolean): void {
    out.text(headerLines(this.name, this.help, this.type));
    const prefixes = this.bucketPrefixes;
    for (const series of this.series.values()) {
      const labels = series.labels.text;
      const exemplars = openMetrics ? series.exemplars : undefined;
      out.forgetRepeated();
      let cumulative = 0;
      for (let slot = 0; slot < prefixes.length; slot++) {
        cumulative += series.counts[slot]!;
        out.raw(prefixes[slot]!);
        if (labels !== '') {
          out.byte(ASCII.comma);
          out.repeated(labels);
        }
        out.byte(ASCII.closeBrace);
        out.byte(ASCII.space);
        out.value(cumulative);
        const exemplar = exemplars?.[slot];
        if (exemplar !== undefined) out.text(formatExemplar(exemplar));
      }
      writeTotalLine(out, this.sumPrefix, labels, series.sum);
      writeTotalLine(out, this.countPrefix, labels, series.count);
    }
  }

  /** prom-client's shape: bucket samples carry `le`, the series labels ride in sharedLabels. */
  getForPromString() {
    const values: {
      labels: Record<string, string | number>;
      sharedLabels: Readonly<Record<string, string>>;
      value: number;
      metricName: string;
      exemplar?: { labelSet: Readonly<Record<string, string>>; value: number; timestamp: number } | null;
    }[] = [];
    for (const series of this.series.values()) {
      const shared = series.labels.object;
      const exemplarAt = (slot: number) => {
        const e = series.exemplars?.[slot];
        return e ? { labelSet: e.labels, value: e.value, timestamp: e.timestamp } : null;
      };
      let cumulative = 0;
      this.upperBounds.forEach((bound, slot) => {
        cumulative += series.counts[slot]!;
        values.push({ labels: { le: bound }, sharedLabels: shared, value: cumulative, metricName: `${this.name}_bucket`, exemplar: exemplarAt(slot) });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: shared, value: series.count, metricName: `${this.name}_bucket`, exemplar: exemplarAt(this.upperBounds.length) },
        { labels: {}, sharedLabels: shared, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: shared, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    };
  }
}

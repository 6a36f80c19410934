/** A counter whose series are created once per label combination and then incremented with no lookup. */
import { formatValue, headerLines } from './exposition-text';
import { LabelledMetric, type SeriesLabels } from './labelled-metric';

export class CounterSeries {
  value = 0;

  constructor(readonly labels: SeriesLabels) {}

  inc(amount = 1): void {
    if (!(amount >= 0) || !Number.isFinite(amount)) {
      throw new TypeError(`a counter only goes up by a finite amount; got ${String(amount)}`);
    }
    this.value += amount;
  }
}

export class LabelledCounter extends LabelledMetric<CounterSeries> {
  readonly type = 'counter';

  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, labelNames);
    this.seedUnlabelledSeries();
  }

  protected createSeries(labels: SeriesLabels): CounterSeries {
    return new CounterSeries(labels);
  }

  /** The metric's exposition, as prom-client's Registry would write it (no trailing newline). */
  renderExposition(openMetrics: boolean): string {
    // OpenMetrics names the family without _total and each sample with it, as prom-client does.
    const family = openMetrics ? this.name.replace(/_total$/, '') : this.name;
    const sample = openMetrics ? `${family}_total` : this.name;
    let text = headerLines(family, this.help, this.type);
    for (const series of this.series.values()) {
      const labels = series.labels.text;
      text += labels === '' ? `\n${sample} ${formatValue(series.value)}` : `\n${sample}{${labels}} ${formatValue(series.value)}`;
    }
    return text;
  }

  getForPromString() {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.series.values()].map((s) => ({ value: s.value, labels: { ...s.labels.object } })),
    });
  }

  get() {
    return this.getForPromString();
  }
}

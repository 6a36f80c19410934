/** A counter whose series are created once per label combination and then incremented with no lookup. */
import { headerLines } from './exposition-text';
import { ASCII, encoded, type ExpositionWriter } from './exposition-writer';
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

  reset(): void {
    this.value = 0;
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

  writeExposition(out: ExpositionWriter, openMetrics: boolean): void {
    // OpenMetrics names the family without _total and each sample with it, as prom-client does.
    const family = openMetrics ? this.name.replace(/_total$/, '') : this.name;
    out.text(headerLines(family, this.help, this.type));
    const sample = encoded(`\n${openMetrics ? `${family}_total` : this.name}`);
    for (const series of this.series.values()) {
      out.raw(sample);
      const labels = series.labels.text;
      if (labels !== '') {
        out.byte(ASCII.openBrace);
        out.text(labels);
        out.byte(ASCII.closeBrace);
      }
      out.byte(ASCII.space);
      out.value(series.value);
    }
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

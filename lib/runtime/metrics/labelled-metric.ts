/**
 * What our own counter and histogram collectors share: the catalog's name,
 * help and label names, a map from label values to a series, and the shape
 * prom-client's Registry reads (`get`, `getForPromString`, `reset`; `remove`
 * as on prom-client's metrics), so they
 * register on any prom-client Registry. CatalogRegistry additionally has
 * them write their exposition straight into its buffer (`writeExposition`),
 * the fast path.
 *
 * Why our own: prom-client 15 rebuilds the label key (hashObject) and
 * re-validates labels on every observe, even on a cached child, which cost
 * 260-390 ns per observation here; a cached series of ours is a few array
 * writes. See docs/performance.md.
 */
import { formatLabelPairs } from './exposition-text';
import { ExpositionWriter } from './exposition-writer';

export interface SeriesLabels {
  /** Label values in label-name order. */
  readonly values: readonly string[];
  /** `a="x",b="y"`, escaped once when the series is created. */
  readonly text: string;
  /** The same labels as an object, for prom-client's get(). */
  readonly object: Readonly<Record<string, string>>;
}

/** A series that can go back to its initial state in place. */
export interface ResettableSeries {
  reset(): void;
}

export abstract class LabelledMetric<S extends ResettableSeries> {
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  /** Like prom-client, a metric without labels exports its one series from the start; subclasses call this last in their constructor. */
  protected seedUnlabelledSeries(): void {
    if (this.labelNames.length === 0) this.labels({});
  }

  /** The series for these label values (every label name, no other), created on first use. */
  labels(labels: Readonly<Record<string, string>>): S {
    const key = this.keyOf(labels);
    const found = this.series.get(key);
    if (found !== undefined) return found;
    const names = this.labelNames;
    const values = names.map((name) => labels[name]!);
    const object: Record<string, string> = {};
    for (const name of names) object[name] = labels[name]!;
    const created = this.createSeries({ values, text: formatLabelPairs(names, values), object });
    this.series.set(key, created);
    return created;
  }

  /**
   * Drops the series for these label values from the exposition; true when
   * there was one. A later labels() call with the same values creates a
   * fresh series (a counter from 0), so whoever cached the old series must
   * forget it too: it would keep counting unseen.
   */
  remove(labels: Readonly<Record<string, string>>): boolean {
    return this.series.delete(this.keyOf(labels));
  }

  /** The map key of these label values; throws on a missing, non-string or unknown label. */
  private keyOf(labels: Readonly<Record<string, string>>): string {
    const names = this.labelNames;
    let key = '';
    for (let i = 0; i < names.length; i++) {
      const value = labels[names[i]!];
      if (typeof value !== 'string') {
        throw new Error(`metric ${this.name}: label ${names[i]} needs a string value, got ${String(value)}`);
      }
      key += i === 0 ? value : `\u0000${value}`;
    }
    if (Object.keys(labels).length !== names.length) {
      const unknown = Object.keys(labels).filter((name) => !names.includes(name));
      throw new Error(`metric ${this.name}: unknown label ${unknown.join(', ')}`);
    }
    return key;
  }

  /** How many label combinations this metric holds. */
  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * Zeroes every series in place (prom-client's Registry.resetMetrics()
   * calls this). The series are kept, unlike prom-client's reset, which drops
   * labelled children: HttpMetrics and WorkflowMetrics cache series objects,
   * and a dropped one would go on counting without ever being exported.
   */
  reset(): void {
    for (const series of this.series.values()) series.reset();
  }

  /** The metric's exposition, as prom-client's Registry would write it (no trailing newline). */
  renderExposition(openMetrics: boolean): string {
    const out = new ExpositionWriter(this.series.size * 128);
    this.writeExposition(out, openMetrics);
    return out.toString();
  }

  /** Writes renderExposition()'s text as bytes. */
  abstract writeExposition(out: ExpositionWriter, openMetrics: boolean): void;

  protected abstract createSeries(labels: SeriesLabels): S;
}

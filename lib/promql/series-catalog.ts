/**
 * Every series name a query may select, with its kind and labels: the
 * catalog's metrics (a histogram contributes `_bucket`, `_sum` and `_count`),
 * the known external metrics, and the recording rules. Lint checks look
 * metric names, labels and closed values up here.
 */
import type { LabelSpecs, MetricDefinition } from '../catalog/metric-definition';
import { TARGET_LABELS } from '../catalog/target-labels';
import type { Selectable } from './selector';

/** `counter`: only meaningful inside rate()/increase(); `recorded`: a recording rule's output. */
export type SeriesKind = 'counter' | 'gauge' | 'recorded';

export interface KnownSeries {
  readonly name: string;
  readonly kind: SeriesKind;
  /** Every label the series can carry, scrape labels (`job`, `instance`…) included for scraped series. */
  readonly labels: LabelSpecs;
  /** Where it is declared, for messages: "catalog", "recording rule". */
  readonly origin: string;
}

export type SeriesCatalog = ReadonlyMap<string, KnownSeries>;

export const BUCKET_BOUND_LABEL = {
  description: 'Histogram bucket upper bound.',
  pattern: /^(?:[0-9.]+(?:e[+-]?[0-9]+)?|\+Inf)$/,
} as const;

export interface SeriesCatalogSources {
  /** Scraped metrics: the Gorax catalog and the external metrics. */
  readonly metrics: readonly MetricDefinition[];
  /** Recording rules (their labels are exactly those they keep). */
  readonly recordingRules?: readonly Selectable[];
}

/** Builds the lookup table; a name declared twice throws, naming it. */
export function seriesCatalog(sources: SeriesCatalogSources): SeriesCatalog {
  const catalog = new Map<string, KnownSeries>();
  const add = (series: KnownSeries): void => {
    const existing = catalog.get(series.name);
    if (existing) {
      throw new Error(`series catalog: "${series.name}" is declared twice (${existing.origin} and ${series.origin})`);
    }
    catalog.set(series.name, series);
  };
  for (const metric of sources.metrics) {
    const labels: LabelSpecs = { ...TARGET_LABELS, ...metric.labels };
    const origin = `metric ${metric.name}`;
    if (metric.type === 'histogram') {
      add({ name: `${metric.name}_bucket`, kind: 'counter', labels: { ...labels, le: BUCKET_BOUND_LABEL }, origin });
      add({ name: `${metric.name}_sum`, kind: 'counter', labels, origin });
      add({ name: `${metric.name}_count`, kind: 'counter', labels, origin });
    } else {
      add({ name: metric.name, kind: metric.type, labels, origin });
    }
  }
  for (const rule of sources.recordingRules ?? []) {
    add({ name: rule.name, kind: 'recorded', labels: rule.labels, origin: `recording rule ${rule.name}` });
  }
  return catalog;
}

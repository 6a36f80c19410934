/**
 * The few PromQL building blocks the rules and dashboards share. They exist
 * to make the easy mistakes of the original rules impossible to write:
 * a rate over anything but a counter, a quantile that is not aggregated by
 * `le`, a ratio whose two sides are aggregated differently.
 */
import type { VectorSelector } from './selector';

/** A PromQL range: a Prometheus duration (`5m`) or a Grafana interval variable (`$__rate_interval`). */
export type Range = `${number}${'s' | 'm' | 'h' | 'd'}` | '$__rate_interval' | '$__range' | '$__interval';

/** A PromQL expression (rendered). */
export type Expr = string;

/** `rate(counter[range])`: only counters (and histogram series) may be rated. */
export function rate(counter: VectorSelector<'counter'>, range: Range): Expr {
  return `rate(${counter}[${range}])`;
}

/** `increase(counter[range])` */
export function increase(counter: VectorSelector<'counter'>, range: Range): Expr {
  return `increase(${counter}[${range}])`;
}

/** `sum by (labels) (expr)`; an empty list sums everything into one series. */
export function sumBy(labels: readonly string[], expr: Expr): Expr {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(', ')}) (${expr})`;
}

/** `aggregation by (labels) (expr)` for max, min, count, avg. */
export function aggregateBy(op: 'max' | 'min' | 'avg' | 'count', labels: readonly string[], expr: Expr): Expr {
  return labels.length === 0 ? `${op}(${expr})` : `${op} by (${labels.join(', ')}) (${expr})`;
}

/**
 * `histogram_quantile(q, sum by (le, …) (rate(bucket[range])))`: the quantile
 * over the aggregated buckets, never one quantile per series.
 */
export function quantileOverBuckets(
  quantile: number,
  bucketCounter: VectorSelector<'counter'>,
  by: readonly string[],
  range: Range,
): Expr {
  return histogramQuantile(quantile, sumBy(['le', ...by.filter((l) => l !== 'le')], rate(bucketCounter, range)));
}

/** `histogram_quantile(q, expr)` for an expression that is already aggregated by `le` (a recorded series). */
export function histogramQuantile(quantile: number, aggregatedByLe: Expr): Expr {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`histogram_quantile: ${quantile} is not a quantile between 0 and 1`);
  return `histogram_quantile(${quantile}, ${aggregatedByLe})`;
}

/**
 * `sum by (by) (numerator) / sum by (by) (denominator)`: both sides are
 * aggregated the same way before dividing, so a single failure among many
 * healthy series cannot produce a ratio of 1. Where the numerator has no
 * series (nothing failed yet) the ratio is 0 rather than absent, so a panel
 * shows 0% instead of "No data".
 */
export function ratio(numerator: Expr, denominator: Expr, by: readonly string[]): Expr {
  const den = sumBy(by, denominator);
  return `(\n  ${sumBy(by, numerator)}\n  or\n  ${den} * 0\n)\n/\n${den}`;
}

/**
 * How much a counter grew over the dashboard's whole time range while every
 * increase() stays on `$__rate_interval`: the sum of its increases over
 * consecutive `$__rate_interval` windows (a subquery stepping by the window).
 * For "top N by count in the selected range" tables.
 */
export function increaseOverDashboardRange(counter: VectorSelector<'counter'>, by: readonly string[]): Expr {
  return `sum_over_time((${sumBy(by, increase(counter, '$__rate_interval'))})[$__range:$__rate_interval])`;
}

/** `deriv(gauge[range])`: the per-second slope of a gauge or recorded series (a trend, not a rate). */
export function deriv(gauge: VectorSelector<'gauge' | 'recorded'>, range: Range): Expr {
  return `deriv(${gauge}[${range}])`;
}

/** `topk(k, expr)`: the k largest series, for "top N" tables. */
export function topk(k: number, expr: Expr): Expr {
  if (!(Number.isInteger(k) && k > 0)) throw new Error(`topk: ${k} is not a positive whole number`);
  return `topk(${k}, ${expr})`;
}

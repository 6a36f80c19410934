/**
 * The shape of one catalog entry. Everything a metric is (name, type, help,
 * labels, the values a closed label may take, buckets) is declared once, so
 * that the services can register it with prom-client and the rules and
 * dashboards can select it without restating any of it.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A label whose values are a fixed set: anything else is a bug, at compile time or at synth. */
export interface ClosedLabel<V extends string = string> {
  readonly description: string;
  readonly values: readonly V[];
}

/** A label whose values are data (tenants, routes, codes); `pattern` documents and checks their shape. */
export interface OpenLabel {
  readonly description: string;
  readonly pattern: RegExp;
}

export type LabelSpec = ClosedLabel | OpenLabel;
export type LabelSpecs = Readonly<Record<string, LabelSpec>>;

export interface MetricDefinition<
  N extends string = string,
  T extends MetricType = MetricType,
  L extends LabelSpecs = LabelSpecs,
> {
  readonly name: N;
  readonly type: T;
  readonly help: string;
  /** The unit Grafana shows for this metric's values (a Grafana unit id). */
  readonly unit: string;
  readonly labels: L;
  /** Histogram bucket upper bounds, ascending; only for histograms. */
  readonly buckets?: readonly number[];
}

export function isClosedLabel(spec: LabelSpec): spec is ClosedLabel {
  return (spec as ClosedLabel).values !== undefined;
}

/** The literal values of a closed label, `string` for an open one. */
export type LabelValue<S> = S extends ClosedLabel<infer V> ? V : string;

/** Declares a catalog entry; `const` type parameters keep names and closed values as literal types. */
export function defineMetric<
  const N extends string,
  const T extends MetricType,
  const L extends LabelSpecs,
>(definition: MetricDefinition<N, T, L>): MetricDefinition<N, T, L> {
  const { name, type, buckets, labels } = definition;
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
    throw new Error(`metric catalog: "${name}" is not a valid Prometheus metric name`);
  }
  if (type === 'counter' && !name.endsWith('_total')) {
    throw new Error(`metric catalog: counter "${name}" must end in _total`);
  }
  if ((type === 'histogram') !== (buckets !== undefined)) {
    throw new Error(`metric catalog: "${name}": buckets are required for histograms and only for histograms`);
  }
  if (buckets && buckets.some((b, i) => i > 0 && b <= buckets[i - 1]!)) {
    throw new Error(`metric catalog: "${name}": buckets must be strictly ascending`);
  }
  for (const label of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) || label.startsWith('__') || label === 'le') {
      throw new Error(`metric catalog: "${name}": "${label}" is not a usable label name`);
    }
  }
  return Object.freeze(definition);
}

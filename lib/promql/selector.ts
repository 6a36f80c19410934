/**
 * Typed PromQL vector selectors over the catalog. A selector can only name a
 * declared metric (you pass its catalog entry), only its declared labels or
 * the scrape labels (`job`, `instance`, …), and only declared values of a
 * closed label: `status: 'success'` does not compile. The same checks run
 * again at synth time for values that arrive as plain strings, and throw with
 * a message that names the metric, the label and the accepted values.
 */
import {
  isClosedLabel,
  type ClosedLabel,
  type LabelSpec,
  type LabelSpecs,
  type MetricType,
} from '../catalog/metric-definition';
import { TARGET_LABELS } from '../catalog/target-labels';

/** Anything with a name and declared labels: a catalog metric or a recorded series. */
export interface Selectable<N extends string = string, L extends LabelSpecs = LabelSpecs> {
  readonly name: N;
  readonly labels: L;
  readonly type?: MetricType;
}

interface ValuesMatcher<V extends string> {
  readonly op: '!=' | '=~' | '!~';
  readonly values: readonly V[];
}
interface PatternMatcher {
  readonly op: '=~' | '!~';
  readonly pattern: string;
}

/** What may stand for a label: a literal (equality) or one of the matcher helpers below. */
export type Matcher<S extends LabelSpec> =
  S extends ClosedLabel<infer V> ? V | ValuesMatcher<V> : string | ValuesMatcher<string> | PatternMatcher;

type AllLabels<L extends LabelSpecs> = L & typeof TARGET_LABELS;
export type Matchers<L extends LabelSpecs> = { readonly [K in keyof AllLabels<L>]?: Matcher<AllLabels<L>[K]> };

/** label != value */
export function not<const V extends string>(value: V): ValuesMatcher<V> {
  return { op: '!=', values: [value] };
}
/** label =~ "a|b": any of the given values (escaped, so they match literally). */
export function oneOf<const V extends string>(...values: V[]): ValuesMatcher<V> {
  return { op: '=~', values };
}
/** label !~ "a|b" */
export function noneOf<const V extends string>(...values: V[]): ValuesMatcher<V> {
  return { op: '!~', values };
}
/** label =~ pattern, for open labels only (route prefixes, dashboard variables). */
export function matching(pattern: string): PatternMatcher {
  return { op: '=~', pattern };
}
/** label !~ pattern, for open labels only. */
export function notMatching(pattern: string): PatternMatcher {
  return { op: '!~', pattern };
}
/** A Grafana template variable (`$tenant`), matched as a regex so that "All" and multi-value work. */
export function variable(name: string): PatternMatcher {
  return { op: '=~', pattern: `$${name}` };
}

/** A rendered selector; the brand records which kind of series it selects. */
export type VectorSelector<T extends MetricType | 'recorded' = MetricType | 'recorded'> = string & {
  readonly __selects: T;
};

function escapeString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function specOf(metric: Selectable, label: string, extraLabels: readonly string[]): LabelSpec | undefined {
  if (extraLabels.includes(label)) return { description: label, pattern: /^.*$/ };
  return metric.labels[label] ?? (TARGET_LABELS as LabelSpecs)[label];
}

function checkValue(metric: Selectable, label: string, spec: LabelSpec, value: string): void {
  if (isClosedLabel(spec)) {
    if (!spec.values.includes(value)) {
      throw new Error(
        `PromQL selector: ${metric.name}{${label}="${value}"}: "${value}" is not a declared value of label "${label}"; ` +
          `accepted values: ${spec.values.map((v) => `"${v}"`).join(', ')}`,
      );
    }
  } else if (!spec.pattern.test(value)) {
    throw new Error(
      `PromQL selector: ${metric.name}{${label}="${value}"}: "${value}" does not have the shape of label "${label}" (${spec.pattern})`,
    );
  }
}

function renderMatcher(metric: Selectable, label: string, matcher: unknown, extraLabels: readonly string[]): string {
  const spec = specOf(metric, label, extraLabels);
  if (spec === undefined) {
    const known = [...Object.keys(metric.labels), ...Object.keys(TARGET_LABELS), ...extraLabels];
    throw new Error(
      `PromQL selector: "${label}" is not a label of ${metric.name}; its labels are ${known.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  if (typeof matcher === 'string') {
    checkValue(metric, label, spec, matcher);
    return `${label}="${escapeString(matcher)}"`;
  }
  const m = matcher as ValuesMatcher<string> | PatternMatcher;
  if ('pattern' in m) {
    if (isClosedLabel(spec)) {
      throw new Error(
        `PromQL selector: ${metric.name}: label "${label}" is closed; match its declared values with oneOf()/noneOf(), not the pattern "${m.pattern}"`,
      );
    }
    return `${label}${m.op}"${escapeString(m.pattern)}"`;
  }
  if (m.values.length === 0) throw new Error(`PromQL selector: ${metric.name}: empty value list for label "${label}"`);
  for (const value of m.values) checkValue(metric, label, spec, value);
  const rendered = m.op === '!=' ? m.values[0]! : m.values.map(escapeRegex).join('|');
  return `${label}${m.op}"${escapeString(rendered)}"`;
}

function render<T extends MetricType | 'recorded'>(
  metric: Selectable,
  name: string,
  matchers: object,
  extraLabels: readonly string[] = [],
): VectorSelector<T> {
  const parts = Object.entries(matchers)
    .filter(([, m]) => m !== undefined)
    .map(([label, m]) => renderMatcher(metric, label, m, extraLabels));
  return (parts.length === 0 ? name : `${name}{${parts.join(', ')}}`) as VectorSelector<T>;
}

type KindOf<M extends Selectable> = M['type'] extends MetricType ? M['type'] : 'recorded';

/** `metric{matchers}` for a counter, gauge or recorded series. */
export function select<const M extends Selectable>(
  metric: M & { readonly type?: 'counter' | 'gauge' },
  matchers: Matchers<M['labels']> = {},
): VectorSelector<KindOf<M>> {
  return render(metric, metric.name, matchers);
}

type HistogramSelectable = Selectable & { readonly type: 'histogram' };

/** `metric_bucket{matchers}`: the cumulative bucket counters of a histogram (with `le`). */
export function buckets<const M extends HistogramSelectable>(
  metric: M,
  matchers: Matchers<M['labels']> & { readonly le?: string } = {},
): VectorSelector<'counter'> {
  return render(metric, `${metric.name}_bucket`, matchers, ['le']);
}

/** `metric_count{matchers}`: how many observations a histogram has made. */
export function observationCount<const M extends HistogramSelectable>(
  metric: M,
  matchers: Matchers<M['labels']> = {},
): VectorSelector<'counter'> {
  return render(metric, `${metric.name}_count`, matchers);
}

/** `metric_sum{matchers}`: the sum of a histogram's observations. */
export function observationSum<const M extends HistogramSelectable>(
  metric: M,
  matchers: Matchers<M['labels']> = {},
): VectorSelector<'counter'> {
  return render(metric, `${metric.name}_sum`, matchers);
}

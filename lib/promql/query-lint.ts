/**
 * Lint checks over the facts of a PromQL expression (query-facts.ts). Each
 * check returns human-readable problems (empty when the expression is fine);
 * callers prefix them with where the expression lives (dashboard and panel,
 * rule name). Used by the dashboard lint tests and reusable for rules.
 */
import { isClosedLabel, type LabelSpec } from '../catalog/metric-definition';
import {
  queryFacts,
  unwrap,
  type PromExpr,
  type QueryFacts,
  type QueryFactsOptions,
  type SelectorFact,
} from './query-facts';
import type { KnownSeries, SeriesCatalog } from './series-catalog';

/** The functions whose argument must be a counter, and the only places a counter may appear. */
export const COUNTER_FUNCTIONS: readonly string[] = ['rate', 'increase'];

function describe(selector: SelectorFact): string {
  return selector.text;
}

/**
 * Counters only inside rate()/increase() (a raw counter's value is
 * meaningless: it resets on restart), and rate()/increase() only over counters.
 */
export function counterProblems(facts: QueryFacts, catalog: SeriesCatalog, allowed: readonly string[] = COUNTER_FUNCTIONS): string[] {
  const problems: string[] = [];
  const fns = allowed.map((f) => `${f}()`).join('/');
  for (const selector of facts.selectors) {
    const kind = catalog.get(selector.metric)?.kind;
    if (kind === 'counter' && !(selector.range !== undefined && allowed.includes(selector.enclosingFunction ?? ''))) {
      problems.push(`counter ${selector.metric} is used outside ${fns}: ${describe(selector)}`);
    }
  }
  for (const call of facts.rangeFunctions) {
    const kind = catalog.get(call.selector.metric)?.kind;
    if (allowed.includes(call.fn) && kind !== undefined && kind !== 'counter') {
      problems.push(`${call.fn}() over ${call.selector.metric}, which is a ${kind === 'recorded' ? 'recorded series' : kind}, not a counter: ${call.text}`);
    }
  }
  return problems;
}

/** Every call of `functions` uses exactly `range` (for dashboards: `$__rate_interval`). */
export function rangeProblems(
  facts: QueryFacts,
  range: string,
  functions: readonly string[] = ['rate', 'increase', 'irate'],
): string[] {
  return facts.rangeFunctions
    .filter((call) => functions.includes(call.fn) && call.range !== range)
    .map((call) => `${call.fn}() must use [${range}], not [${call.range}]: ${call.text}`);
}

export interface HistogramQuantileOptions {
  /**
   * Also accept a selector of a recorded series that keeps `le` (a recording
   * rule that already summed the buckets by `le`), as the alert rules use.
   * @default false: only `sum by (le, …) (…)` is accepted
   */
  readonly allowRecordedBuckets?: SeriesCatalog;
}

/** histogram_quantile() over `sum by (le, …)`, never one quantile per series. */
export function histogramQuantileProblems(facts: QueryFacts, options: HistogramQuantileOptions = {}): string[] {
  const problems: string[] = [];
  for (const hq of facts.histogramQuantiles) {
    const arg = hq.argument;
    if (arg.kind === 'aggregate' && arg.op === 'sum' && arg.grouping?.mode === 'by' && arg.grouping.labels.includes('le')) continue;
    if (arg.kind === 'selector' && options.allowRecordedBuckets) {
      const series = options.allowRecordedBuckets.get(arg.selector.metric);
      if (series?.kind === 'recorded' && 'le' in series.labels) continue;
    }
    problems.push(`histogram_quantile() must be applied to sum by (le, …) (…): ${hq.text}`);
  }
  return problems;
}

function literalAlternatives(regex: string): string[] | undefined {
  const alternatives: string[] = [];
  let current = '';
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]!;
    if (c === '\\') {
      const next = regex[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w…: not a literal
      current += next;
      i++;
    } else if (c === '|') {
      alternatives.push(current);
      current = '';
    } else if ('.*+?^$()[]{}'.includes(c)) {
      return undefined;
    } else {
      current += c;
    }
  }
  alternatives.push(current);
  return alternatives;
}

function valueProblems(metric: string, label: string, spec: LabelSpec, op: string, value: string): string[] {
  const where = `${metric}{${label}${op}"${value}"}`;
  if (isClosedLabel(spec)) {
    const accepted = `accepted values: ${spec.values.map((v) => `"${v}"`).join(', ')}`;
    if (op === '=' || op === '!=') {
      return spec.values.includes(value) ? [] : [`${where}: "${value}" is not a declared value of "${label}"; ${accepted}`];
    }
    const literals = literalAlternatives(value);
    if (literals) {
      const unknown = literals.filter((v) => !spec.values.includes(v));
      return unknown.length === 0 ? [] : [`${where}: ${unknown.map((v) => `"${v}"`).join(', ')} not declared values of "${label}"; ${accepted}`];
    }
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${value})$`);
    } catch {
      return [`${where}: not a valid regular expression`];
    }
    return spec.values.some((v) => re.test(v)) ? [] : [`${where}: the regex matches no declared value of "${label}"; ${accepted}`];
  }
  if (op === '=' || op === '!=') {
    return spec.pattern.test(value) ? [] : [`${where}: "${value}" does not have the shape of "${label}" (${spec.pattern})`];
  }
  try {
    new RegExp(`^(?:${value})$`);
  } catch {
    return [`${where}: not a valid regular expression`];
  }
  return [];
}

function labelsOf(selectors: readonly SelectorFact[], catalog: SeriesCatalog): Set<string> {
  const labels = new Set<string>();
  for (const s of selectors) for (const l of Object.keys(catalog.get(s.metric)?.labels ?? {})) labels.add(l);
  return labels;
}

/**
 * Every metric is known (catalog, external or recorded), every matched label
 * is one of its labels, every value of a closed label is declared (an open
 * label's literal value has its shape), and every `by`/`without` label exists
 * on some series being aggregated.
 */
export function catalogProblems(facts: QueryFacts, catalog: SeriesCatalog): string[] {
  const problems: string[] = [];
  for (const selector of facts.selectors) {
    if (selector.metric === '') {
      problems.push(`selector without a metric name: ${selector.text}`);
      continue;
    }
    const series: KnownSeries | undefined = catalog.get(selector.metric);
    if (!series) {
      problems.push(`unknown metric ${selector.metric}: not in the catalog, the external metrics or the recording rules`);
      continue;
    }
    for (const m of selector.matchers) {
      const spec = series.labels[m.label];
      if (!spec) {
        problems.push(`${selector.metric} has no label "${m.label}" (its labels: ${Object.keys(series.labels).join(', ')}): ${selector.text}`);
        continue;
      }
      if (m.usesVariable) {
        if (isClosedLabel(spec)) problems.push(`closed label "${m.label}" of ${selector.metric} is matched with a variable: ${selector.text}`);
        continue;
      }
      problems.push(...valueProblems(selector.metric, m.label, spec, m.op, m.value));
    }
  }
  for (const aggregation of facts.aggregations) {
    if (!aggregation.grouping) continue;
    const available = labelsOf(aggregation.selectors, catalog);
    for (const label of aggregation.grouping.labels) {
      if (!available.has(label)) {
        problems.push(`${aggregation.op} ${aggregation.grouping.mode} (${label}): no series being aggregated has label "${label}": ${aggregation.text}`);
      }
    }
  }
  return problems;
}

function isScalar(expr: PromExpr): boolean {
  const e = unwrap(expr);
  if (e.kind === 'number') return true;
  if (e.kind === 'call') return ['scalar', 'time', 'pi'].includes(e.fn);
  if (e.kind === 'unary') return isScalar(e.expr);
  if (e.kind === 'binary') return isScalar(e.lhs) && isScalar(e.rhs);
  return false;
}

const SORTED = (labels: Iterable<string>): string[] => [...new Set(labels)].sort();

/**
 * The labels the expression's result series can carry (sorted), following
 * Prometheus' rules for aggregations, functions and vector matching. Used to
 * check legend templates and alert description templates (`{{ $labels.x }}`).
 */
export function resultLabels(expr: PromExpr, catalog: SeriesCatalog): string[] {
  const of = (e: PromExpr): string[] => resultLabels(e, catalog);
  switch (expr.kind) {
    case 'selector':
      return SORTED(Object.keys(catalog.get(expr.selector.metric)?.labels ?? {}));
    case 'number':
    case 'string':
      return [];
    case 'paren':
    case 'unary':
    case 'subquery':
    case 'offset':
      return of(expr.expr);
    case 'call': {
      if (['vector', 'time', 'scalar', 'pi'].includes(expr.fn)) return [];
      // absent() returns one series carrying the labels of its argument's equality matchers.
      if (expr.fn === 'absent' || expr.fn === 'absent_over_time') {
        const arg = unwrap(expr.args[0]!);
        return arg.kind === 'selector' ? SORTED(arg.selector.matchers.filter((m) => m.op === '=').map((m) => m.label)) : [];
      }
      if (expr.fn === 'histogram_quantile') return of(expr.args[1]!).filter((l) => l !== 'le');
      const vectorArg = expr.args.find((a) => !isScalar(a) && unwrap(a).kind !== 'string');
      const base = vectorArg ? of(vectorArg) : [];
      if (expr.fn === 'label_replace' || expr.fn === 'label_join') {
        const dst = unwrap(expr.args[1]!);
        return SORTED([...base, ...(dst.kind === 'string' ? [dst.value] : [])]);
      }
      return base;
    }
    case 'aggregate': {
      const vector = expr.args[expr.args.length - 1]!;
      if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(expr.op)) return of(vector);
      const g = expr.grouping;
      const extra: string[] = [];
      if (expr.op === 'count_values') {
        const label = unwrap(expr.args[0]!);
        if (label.kind === 'string') extra.push(label.value);
      }
      if (!g) return SORTED(extra);
      if (g.mode === 'by') return SORTED([...g.labels, ...extra]);
      return SORTED([...of(vector).filter((l) => !g.labels.includes(l)), ...extra]);
    }
    case 'binary': {
      if (isScalar(expr.lhs)) return of(expr.rhs);
      if (isScalar(expr.rhs)) return of(expr.lhs);
      const lhs = of(expr.lhs);
      const rhs = of(expr.rhs);
      if (expr.op === 'or') return SORTED([...lhs, ...rhs]);
      if (expr.op === 'and' || expr.op === 'unless') return lhs;
      const m = expr.matching;
      if (m?.group) {
        return SORTED([...(m.group.side === 'left' ? lhs : rhs), ...m.group.labels]);
      }
      if (m?.mode === 'on') return lhs.filter((l) => m.labels.includes(l));
      if (m?.mode === 'ignoring') return lhs.filter((l) => !m.labels.includes(l));
      return lhs;
    }
  }
}

export interface LintQueryOptions extends QueryFactsOptions {
  readonly catalog: SeriesCatalog;
  /** The range every rate()/increase()/irate() must use; unchecked when undefined. */
  readonly rateRange?: string;
  readonly histogramQuantile?: HistogramQuantileOptions;
}

/** Parses the expression and runs every check above; a syntax error is one problem. */
export function lintQuery(expr: string, options: LintQueryOptions): string[] {
  let facts: QueryFacts;
  try {
    facts = queryFacts(expr, options);
  } catch (error) {
    return [(error as Error).message];
  }
  return [
    ...catalogProblems(facts, options.catalog),
    ...counterProblems(facts, options.catalog),
    ...(options.rateRange === undefined ? [] : rangeProblems(facts, options.rateRange)),
    ...histogramQuantileProblems(facts, options.histogramQuantile),
  ];
}

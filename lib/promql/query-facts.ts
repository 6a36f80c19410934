/**
 * What a PromQL expression says, read with Prometheus' own lezer grammar
 * (@prometheus-io/lezer-promql) rather than with regexes: the series it
 * selects, the functions and aggregations around them, and the labels its
 * result carries. The lint checks in `query-lint.ts` (dashboards and rules)
 * are written over these facts.
 *
 * Grafana variables (`$__rate_interval`, `${datasource}`, `$tenant`) are not
 * PromQL, so they are substituted before parsing; every fact keeps the text
 * as written (`range: '$__rate_interval'`) by mapping positions back.
 */
import type * as LezerPromQL from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// The package declares itself ESM but ships a CommonJS build too; require() loads that one
// (a static import would be an ESM import from our CommonJS output).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromQL;

/** A node of lezer's syntax tree (the type, without depending on @lezer/common directly). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** Values substituted for Grafana's built-in variables when none is given. */
export const GRAFANA_BUILTIN_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
  __interval_ms: '60000',
};

export class PromQLSyntaxError extends Error {
  constructor(
    readonly expr: string,
    /** Offset of the first error in the expression as written. */
    readonly position: number,
    reason: string,
  ) {
    super(`${reason} at offset ${position}: ${JSON.stringify(expr)}`);
    this.name = 'PromQLSyntaxError';
  }
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcherFact {
  readonly label: string;
  readonly op: MatchOp;
  /** The value after variable substitution and unescaping. */
  readonly value: string;
  /** The value as written (unescaped), `$tenant` and all. */
  readonly written: string;
  /** True when the written value contains a Grafana variable: its values are not known statically. */
  readonly usesVariable: boolean;
}

export interface SelectorFact {
  /** The metric name; '' for a selector without one (`{__name__=~"…"}`). */
  readonly metric: string;
  readonly matchers: readonly LabelMatcherFact[];
  /** The range as written (`$__rate_interval`, `5m`) when this is a range-vector selector. */
  readonly range?: string;
  /** The function applied directly to this selector (`rate`), if any. */
  readonly enclosingFunction?: string;
  /** The selector as written. */
  readonly text: string;
}

export interface Grouping {
  readonly mode: 'by' | 'without';
  readonly labels: readonly string[];
}

export interface VectorMatching {
  readonly mode: 'on' | 'ignoring';
  readonly labels: readonly string[];
  readonly group?: { readonly side: 'left' | 'right'; readonly labels: readonly string[] };
}

/** A small typed PromQL syntax tree; `text` is always the expression as written. */
export type PromExpr =
  | { readonly kind: 'selector'; readonly selector: SelectorFact; readonly text: string }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly PromExpr[]; readonly text: string }
  | {
      readonly kind: 'aggregate';
      readonly op: string;
      readonly grouping?: Grouping;
      readonly args: readonly PromExpr[];
      readonly text: string;
    }
  | {
      readonly kind: 'binary';
      readonly op: string;
      readonly bool: boolean;
      readonly matching?: VectorMatching;
      readonly lhs: PromExpr;
      readonly rhs: PromExpr;
      readonly text: string;
    }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'paren'; readonly expr: PromExpr; readonly text: string }
  | { readonly kind: 'unary'; readonly op: string; readonly expr: PromExpr; readonly text: string }
  | {
      readonly kind: 'subquery';
      readonly expr: PromExpr;
      readonly range: string;
      readonly step?: string;
      readonly text: string;
    }
  | { readonly kind: 'offset'; readonly expr: PromExpr; readonly text: string };

export interface RangeFunctionFact {
  /** `rate`, `increase`, `deriv`, `max_over_time`… */
  readonly fn: string;
  /** The range as written. */
  readonly range: string;
  readonly selector: SelectorFact;
  readonly text: string;
}

export interface AggregationFact {
  readonly op: string;
  readonly grouping?: Grouping;
  /** Every selector inside the aggregated expression. */
  readonly selectors: readonly SelectorFact[];
  readonly text: string;
}

export interface HistogramQuantileFact {
  readonly text: string;
  /** The second argument with any parentheses removed. */
  readonly argument: PromExpr;
}

export interface QueryFacts {
  /** The expression as written. */
  readonly expr: string;
  /** The expression Prometheus would receive (variables substituted). */
  readonly substituted: string;
  /** The names of the Grafana variables the expression uses, in order of first use. */
  readonly variables: readonly string[];
  readonly ast: PromExpr;
  readonly selectors: readonly SelectorFact[];
  /** Every function call whose argument is a range-vector selector. */
  readonly rangeFunctions: readonly RangeFunctionFact[];
  readonly aggregations: readonly AggregationFact[];
  readonly histogramQuantiles: readonly HistogramQuantileFact[];
}

export interface QueryFactsOptions {
  /**
   * Values for Grafana variables by name (without `$`). Grafana's built-ins
   * default to GRAFANA_BUILTIN_VARIABLES; any other variable must be given,
   * or the expression is rejected as using an unknown variable.
   */
  readonly variables?: Readonly<Record<string, string>>;
}

interface Replacement {
  readonly from: number; // in the original
  readonly to: number;
  readonly subFrom: number; // in the substituted text
  readonly subTo: number;
}

/**
 * `$name`, `${name}`, `${name:format}`, `[[name]]`, as Grafana interpolates them. Names start
 * with a letter or `_`, so regex back-references such as label_replace's `$1` are left alone.
 */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]/g;

export interface Substitution {
  readonly text: string;
  readonly variables: readonly string[];
  /** Maps a span of the substituted text back to the text as written. */
  readonly original: (from: number, to: number) => string;
}

/** Substitutes Grafana variables, keeping a map from the result back to the text as written. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>> = {}): Substitution {
  const all = { ...GRAFANA_BUILTIN_VARIABLES, ...values };
  const replacements: Replacement[] = [];
  const used: string[] = [];
  let text = '';
  let last = 0;
  for (const match of expr.matchAll(VARIABLE)) {
    const name = (match[1] ?? match[2] ?? match[3])!;
    const value = all[name];
    if (value === undefined) {
      throw new PromQLSyntaxError(expr, match.index, `unknown variable $${name} (give its value in options.variables)`);
    }
    if (!used.includes(name)) used.push(name);
    text += expr.slice(last, match.index);
    replacements.push({ from: match.index, to: match.index + match[0].length, subFrom: text.length, subTo: text.length + value.length });
    text += value;
    last = match.index + match[0].length;
  }
  text += expr.slice(last);
  const toOriginal = (pos: number, side: 'from' | 'to'): number => {
    let shift = 0;
    for (const r of replacements) {
      if (pos < r.subFrom || (side === 'to' && pos === r.subFrom)) break;
      if (pos < r.subTo || (side === 'to' && pos === r.subTo)) return side === 'from' ? r.from : r.to;
      shift = r.to - r.subTo;
    }
    return pos + shift;
  };
  return { text, variables: used, original: (from, to) => expr.slice(toOriginal(from, 'from'), toOriginal(to, 'to')) };
}

function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];

/** Nodes that are expressions (everything else in the tree is a keyword, modifier or punctuation). */
const EXPR_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

class Reader {
  constructor(
    private readonly sub: Substitution,
    private readonly source: string,
  ) {}

  written(node: SyntaxNode): string {
    return this.sub.original(node.from, node.to);
  }
  substituted(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  selector(node: SyntaxNode, range?: SyntaxNode): SelectorFact {
    const identifier = node.getChild('Identifier');
    const matchers: LabelMatcherFact[] = [];
    let metric = identifier ? this.substituted(identifier) : '';
    const list = node.getChild('LabelMatchers');
    for (const m of list ? children(list) : []) {
      const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const opNode = m.getChild('MatchOp');
      const valueNode = m.getChild('StringLiteral');
      if (m.name === 'QuotedLabelName' && !opNode) {
        metric = unquote(this.substituted(m)); // {"metric.name"} (UTF-8 metric names)
        continue;
      }
      if (!nameNode || !opNode || !valueNode) continue;
      const label = nameNode.name === 'QuotedLabelName' ? unquote(this.substituted(nameNode)) : this.substituted(nameNode);
      const op = this.substituted(opNode) as MatchOp;
      if (!MATCH_OPS.includes(op)) throw new Error(`unexpected label match operator ${op}`);
      const written = unquote(this.written(valueNode));
      matchers.push({
        label,
        op,
        value: unquote(this.substituted(valueNode)),
        written,
        usesVariable: new RegExp(VARIABLE.source).test(written),
      });
    }
    const text = range ? this.written(range) : this.written(node);
    const durations = range ? range.getChildren('DurationExpr') : [];
    return {
      metric,
      matchers,
      ...(durations.length > 0 ? { range: this.written(durations[durations.length - 1]!) } : {}),
      text,
    };
  }

  expr(node: SyntaxNode): PromExpr {
    const text = this.written(node);
    const kids = children(node);
    const exprKids = kids.filter((k) => EXPR_NODES.has(k.name));
    switch (node.name) {
      case 'PromQL':
        if (exprKids.length !== 1) throw new Error('expected exactly one expression');
        return this.expr(exprKids[0]!);
      case 'VectorSelector':
        return { kind: 'selector', selector: this.selector(node), text };
      case 'MatrixSelector': {
        const inner = node.getChild('VectorSelector');
        if (!inner) throw new Error(`range selector without a vector selector: ${text}`);
        return { kind: 'selector', selector: this.selector(inner, node), text };
      }
      case 'FunctionCall': {
        const fn = this.substituted(node.getChild('FunctionIdentifier')!);
        const body = node.getChild('FunctionCallBody');
        const args = body ? children(body).filter((k) => EXPR_NODES.has(k.name)).map((k) => this.expr(k)) : [];
        return {
          kind: 'call',
          fn,
          args: args.map((a) =>
            a.kind === 'selector' && a.selector.range !== undefined ? { ...a, selector: { ...a.selector, enclosingFunction: fn } } : a,
          ),
          text,
        };
      }
      case 'AggregateExpr': {
        const op = this.substituted(node.getChild('AggregateOp')!);
        const modifier = node.getChild('AggregateModifier');
        const body = node.getChild('FunctionCallBody');
        const args = body ? children(body).filter((k) => EXPR_NODES.has(k.name)).map((k) => this.expr(k)) : [];
        return { kind: 'aggregate', op, ...(modifier ? { grouping: this.grouping(modifier) } : {}), args, text };
      }
      case 'BinaryExpr': {
        const [lhs, rhs] = exprKids;
        if (!lhs || !rhs) throw new Error(`binary expression without two operands: ${text}`);
        const opNode = kids.find((k) => k.from >= lhs.to && k.to <= rhs.from && !EXPR_NODES.has(k.name) && !k.name.endsWith('Modifier') && k.name !== 'MatchingModifierClause');
        const clause = node.getChild('MatchingModifierClause');
        return {
          kind: 'binary',
          op: opNode ? this.substituted(opNode).toLowerCase() : '?',
          bool: node.getChild('BoolModifier') !== null,
          ...(clause ? { matching: this.matching(clause) } : {}),
          lhs: this.expr(lhs),
          rhs: this.expr(rhs),
          text,
        };
      }
      case 'NumberDurationLiteral':
        return { kind: 'number', text };
      case 'StringLiteral':
        return { kind: 'string', value: unquote(this.substituted(node)), text };
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(exprKids[0]!), text };
      case 'UnaryExpr':
        return { kind: 'unary', op: this.substituted(node.getChild('UnaryOp')!), expr: this.expr(exprKids[0]!), text };
      case 'SubqueryExpr': {
        const durations = node.getChildren('DurationExpr');
        return {
          kind: 'subquery',
          expr: this.expr(exprKids[0]!),
          range: this.written(durations[0]!),
          ...(durations[1] ? { step: this.written(durations[1]) } : {}),
          text,
        };
      }
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return { kind: 'offset', expr: this.expr(exprKids[0]!), text };
      default:
        throw new Error(`unsupported PromQL node ${node.name} in ${text}`);
    }
  }

  private labelList(node: SyntaxNode | null): string[] {
    return node ? children(node).map((k) => (k.name === 'QuotedLabelName' ? unquote(this.substituted(k)) : this.substituted(k))) : [];
  }

  private grouping(modifier: SyntaxNode): Grouping {
    return {
      mode: modifier.getChild('Without') ? 'without' : 'by',
      labels: this.labelList(modifier.getChild('GroupingLabels')),
    };
  }

  private matching(clause: SyntaxNode): VectorMatching {
    const [onLabels, groupLabels] = clause.getChildren('GroupingLabels');
    const side = clause.getChild('GroupLeft') ? 'left' : clause.getChild('GroupRight') ? 'right' : undefined;
    return {
      mode: clause.getChild('Ignoring') ? 'ignoring' : 'on',
      labels: this.labelList(onLabels ?? null),
      ...(side ? { group: { side, labels: this.labelList(groupLabels ?? null) } } : {}),
    };
  }
}

/** Calls `visit` on every node of the tree, parents before children. */
export function walk(expr: PromExpr, visit: (node: PromExpr, parent: PromExpr | undefined) => void, parent?: PromExpr): void {
  visit(expr, parent);
  switch (expr.kind) {
    case 'call':
    case 'aggregate':
      for (const arg of expr.args) walk(arg, visit, expr);
      break;
    case 'binary':
      walk(expr.lhs, visit, expr);
      walk(expr.rhs, visit, expr);
      break;
    case 'paren':
    case 'unary':
    case 'subquery':
    case 'offset':
      walk(expr.expr, visit, expr);
      break;
    default:
      break;
  }
}

/** The expression without enclosing parentheses. */
export function unwrap(expr: PromExpr): PromExpr {
  return expr.kind === 'paren' ? unwrap(expr.expr) : expr;
}

/** Every selector in the expression. */
export function selectorsIn(expr: PromExpr): SelectorFact[] {
  const out: SelectorFact[] = [];
  walk(expr, (node) => {
    if (node.kind === 'selector') out.push(node.selector);
  });
  return out;
}

/** Parses a PromQL expression (Grafana variables allowed) into its facts; throws PromQLSyntaxError. */
export function queryFacts(expr: string, options: QueryFactsOptions = {}): QueryFacts {
  const sub = substituteVariables(expr, options.variables);
  const tree = parser.parse(sub.text);
  let errorAt: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (errorAt === undefined && node.type.isError) errorAt = node.from;
      return errorAt === undefined;
    },
  });
  if (errorAt !== undefined) {
    throw new PromQLSyntaxError(expr, sub.original(0, errorAt).length, `invalid PromQL near ${JSON.stringify(sub.text.slice(errorAt, errorAt + 20))}`);
  }
  if (sub.text.trim() === '') throw new PromQLSyntaxError(expr, 0, 'invalid PromQL: empty expression');
  const ast = new Reader(sub, sub.text).expr(tree.topNode);

  const rangeFunctions: RangeFunctionFact[] = [];
  const aggregations: AggregationFact[] = [];
  const histogramQuantiles: HistogramQuantileFact[] = [];
  walk(ast, (node) => {
    if (node.kind === 'call') {
      for (const arg of node.args) {
        if (arg.kind === 'selector' && arg.selector.range !== undefined) {
          rangeFunctions.push({ fn: node.fn, range: arg.selector.range, selector: arg.selector, text: node.text });
        }
      }
      if (node.fn === 'histogram_quantile' && node.args[1]) {
        histogramQuantiles.push({ text: node.text, argument: unwrap(node.args[1]) });
      }
    } else if (node.kind === 'aggregate') {
      aggregations.push({
        op: node.op,
        ...(node.grouping ? { grouping: node.grouping } : {}),
        selectors: node.args.flatMap(selectorsIn),
        text: node.text,
      });
    }
  });
  return {
    expr,
    substituted: sub.text,
    variables: sub.variables,
    ast,
    selectors: selectorsIn(ast),
    rangeFunctions,
    aggregations,
    histogramQuantiles,
  };
}

import { PromQLSyntaxError, queryFacts, substituteVariables } from '../../lib/promql/query-facts';

describe('substituteVariables', () => {
  it('substitutes Grafana variables in every syntax and maps spans back to the text as written', () => {
    const expr = 'rate(x{a=~"$tenant", b=~"${workflow:regex}", c="[[old]]"}[$__rate_interval])';
    const sub = substituteVariables(expr, { tenant: '.*', workflow: 'w1|w2', old: 'v' });
    expect(sub.text).toBe('rate(x{a=~".*", b=~"w1|w2", c="v"}[5m])');
    expect(sub.variables).toEqual(['tenant', 'workflow', 'old', '__rate_interval']);
    const range = sub.text.indexOf('5m');
    expect(sub.original(range, range + 2)).toBe('$__rate_interval');
    expect(sub.original(0, sub.text.length)).toBe(expr);
  });

  it('rejects a variable it has no value for, naming it', () => {
    expect(() => substituteVariables('x{a="$nope"}')).toThrow('unknown variable $nope (give its value in options.variables) at offset 5');
  });
});

describe('queryFacts', () => {
  const expr =
    'histogram_quantile(0.95, sum by (le, path) (rate(http_bucket{job="api", tenant_id=~"$tenant"}[$__rate_interval]))) ' +
    '> on (path) group_left (team) sum_over_time((sum by (w) (increase(c_total[$__rate_interval])))[$__range:$__rate_interval]) or vector(0)';
  const facts = queryFacts(expr, { variables: { tenant: '.*' } });

  it('lists selectors with their matchers, range as written and the function applied to them', () => {
    expect(facts.selectors).toEqual([
      {
        metric: 'http_bucket',
        matchers: [
          { label: 'job', op: '=', value: 'api', written: 'api', usesVariable: false },
          { label: 'tenant_id', op: '=~', value: '.*', written: '$tenant', usesVariable: true },
        ],
        range: '$__rate_interval',
        enclosingFunction: 'rate',
        text: 'http_bucket{job="api", tenant_id=~"$tenant"}[$__rate_interval]',
      },
      { metric: 'c_total', matchers: [], range: '$__rate_interval', enclosingFunction: 'increase', text: 'c_total[$__rate_interval]' },
    ]);
    expect(facts.rangeFunctions.map((f) => [f.fn, f.range])).toEqual([
      ['rate', '$__rate_interval'],
      ['increase', '$__rate_interval'],
    ]);
  });

  it('lists aggregations with their grouping, and histogram_quantile arguments', () => {
    expect(facts.aggregations.map((a) => [a.op, a.grouping, a.selectors.map((s) => s.metric)])).toEqual([
      ['sum', { mode: 'by', labels: ['le', 'path'] }, ['http_bucket']],
      ['sum', { mode: 'by', labels: ['w'] }, ['c_total']],
    ]);
    expect(facts.histogramQuantiles).toHaveLength(1);
    expect(facts.histogramQuantiles[0]!.argument).toMatchObject({ kind: 'aggregate', op: 'sum', grouping: { mode: 'by', labels: ['le', 'path'] } });
  });

  it('builds a syntax tree with operators, vector matching and subqueries', () => {
    expect(facts.ast).toMatchObject({
      kind: 'binary',
      op: 'or',
      lhs: {
        kind: 'binary',
        op: '>',
        matching: { mode: 'on', labels: ['path'], group: { side: 'left', labels: ['team'] } },
        rhs: { kind: 'call', fn: 'sum_over_time', args: [{ kind: 'subquery', range: '$__range', step: '$__rate_interval' }] },
      },
      rhs: { kind: 'call', fn: 'vector' },
    });
  });

  it('reads aggregations with a trailing modifier, without, and unescapes strings', () => {
    const f = queryFacts('sum(rate(a_total{p="say \\"hi\\""}[5m])) without (instance)');
    expect(f.aggregations[0]!.grouping).toEqual({ mode: 'without', labels: ['instance'] });
    expect(f.selectors[0]!.matchers[0]!.value).toBe('say "hi"');
  });

  it('throws PromQLSyntaxError with the offset as written', () => {
    expect(() => queryFacts('rate(x[$__rate_interval)')).toThrow(PromQLSyntaxError);
    try {
      queryFacts('sum(rate(x{a="$t"}[$__rate_interval])', { variables: { t: 'v' } });
      throw new Error('expected a syntax error');
    } catch (error) {
      expect(error).toBeInstanceOf(PromQLSyntaxError);
      expect((error as PromQLSyntaxError).position).toBe('sum(rate(x{a="$t"}[$__rate_interval])'.length);
    }
    expect(() => queryFacts('  ')).toThrow('invalid PromQL');
  });
});

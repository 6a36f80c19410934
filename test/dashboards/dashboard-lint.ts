/**
 * A dashboard linter in the spirit of Grafana's dashboard-linter, with every
 * query parsed by Prometheus' lezer grammar (lib/promql/query-facts.ts).
 * Each problem names the dashboard, the panel and the query.
 */
import { goraxRuleGroups } from '../../alerts-src';
import { EXTERNAL_METRICS } from '../../lib/catalog/external-metrics';
import { GORAX_METRICS } from '../../lib/catalog/metrics';
import { environmentConfig } from '../../lib/config/environments';
import { queryFacts, type QueryFacts } from '../../lib/promql/query-facts';
import {
  catalogProblems,
  counterProblems,
  histogramQuantileProblems,
  rangeProblems,
  resultLabels,
} from '../../lib/promql/query-lint';
import { seriesCatalog, type SeriesCatalog } from '../../lib/promql/series-catalog';

export interface LintTarget {
  readonly refId?: string;
  readonly expr?: string;
  readonly legendFormat?: string;
  readonly datasource?: { readonly uid?: string; readonly type?: string };
}
export interface LintPanel {
  readonly id?: number;
  readonly type: string;
  readonly title?: string;
  readonly description?: string;
  readonly datasource?: { readonly uid?: string; readonly type?: string };
  readonly targets?: readonly LintTarget[];
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
  readonly gridPos?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly panels?: readonly LintPanel[];
}
export interface LintVariable {
  readonly type: string;
  readonly name: string;
  readonly label?: string;
  readonly query?: unknown;
  readonly datasource?: { readonly uid?: string };
}
export interface LintDashboard {
  readonly uid?: string;
  readonly title?: string;
  readonly editable?: boolean;
  readonly panels?: readonly LintPanel[];
  readonly templating?: { readonly list?: readonly LintVariable[] };
}

/** Every series a Gorax query may select: the catalog, the external metrics and the recording rules. */
export function goraxSeriesCatalog(): SeriesCatalog {
  const env = environmentConfig('production');
  return seriesCatalog({
    metrics: [...GORAX_METRICS, ...EXTERNAL_METRICS],
    recordingRules: goraxRuleGroups(env).flatMap((group) => group.records),
  });
}

const DATASOURCE_REFS = ['${datasource}', '$datasource'];

/** Every panel that holds queries (rows' nested panels included), in order. */
export function queryPanels(dashboard: LintDashboard): LintPanel[] {
  return (dashboard.panels ?? []).flatMap((p) => (p.type === 'row' ? [...(p.panels ?? [])] : [p]));
}

/** The values a query's variables take when it is parsed: "All" (`.*`) for every filter variable. */
export function variableValues(dashboard: LintDashboard): Record<string, string> {
  const values: Record<string, string> = {};
  for (const v of dashboard.templating?.list ?? []) values[v.name] = v.type === 'datasource' ? 'prometheus' : '.*';
  return values;
}

const LABEL_VALUES = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/s;

function legendLabels(legend: string): string[] {
  return [...legend.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}

export function lintDashboard(dashboard: LintDashboard, catalog: SeriesCatalog = goraxSeriesCatalog()): string[] {
  const name = `dashboard ${dashboard.uid ?? '(no uid)'}`;
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const values = variableValues(dashboard);

  // template-datasource: a Prometheus datasource variable named `datasource`, labelled "Data source".
  const ds = variables.find((v) => v.name === 'datasource');
  if (!ds || ds.type !== 'datasource' || ds.query !== 'prometheus' || ds.label !== 'Data source') {
    problems.push(`${name}: needs a Prometheus datasource variable named "datasource" labelled "Data source"`);
  }
  if (dashboard.editable !== false) problems.push(`${name}: must be read-only (editable: false)`);

  // Variable queries: label_values(<selector>, <label>) over known series and labels.
  for (const v of variables.filter((x) => x.type === 'query')) {
    const where = `${name}, variable $${v.name}`;
    if (!DATASOURCE_REFS.includes(v.datasource?.uid ?? '')) problems.push(`${where}: must query $datasource`);
    const match = typeof v.query === 'string' ? LABEL_VALUES.exec(v.query) : null;
    if (!match) {
      problems.push(`${where}: query must be label_values(<selector>, <label>), got ${JSON.stringify(v.query)}`);
      continue;
    }
    try {
      const facts = queryFacts(match[1]!, { variables: values });
      problems.push(...catalogProblems(facts, catalog).map((p) => `${where}: ${p}`));
      const metric = facts.selectors[0]?.metric ?? '';
      if (!(match[2]! in (catalog.get(metric)?.labels ?? {}))) problems.push(`${where}: ${metric} has no label "${match[2]}"`);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }

  const ids = new Set<number>();
  for (const panel of dashboard.panels ?? []) {
    if (panel.id === undefined || ids.has(panel.id)) problems.push(`${name}, panel "${panel.title}": missing or duplicate id ${panel.id}`);
    else ids.add(panel.id);
  }

  for (const panel of queryPanels(dashboard)) {
    const where = `${name}, panel "${panel.title ?? '(untitled)'}"`;
    if (!panel.description?.trim()) problems.push(`${where}: has no description`);
    if (!panel.fieldConfig?.defaults?.unit?.trim()) problems.push(`${where}: has no unit`);
    if (!DATASOURCE_REFS.includes(panel.datasource?.uid ?? '')) problems.push(`${where}: must use the $datasource variable`);
    const targets = panel.targets ?? [];
    if (targets.length === 0) problems.push(`${where}: has no queries`);
    for (const target of targets) {
      const at = `${where}, query ${target.refId ?? '?'}`;
      if (!DATASOURCE_REFS.includes(target.datasource?.uid ?? '')) problems.push(`${at}: must use the $datasource variable`);
      let facts: QueryFacts;
      try {
        facts = queryFacts(target.expr ?? '', { variables: values });
      } catch (error) {
        problems.push(`${at}: ${(error as Error).message}`);
        continue;
      }
      const found = [
        ...catalogProblems(facts, catalog),
        ...counterProblems(facts, catalog),
        ...rangeProblems(facts, '$__rate_interval'),
        ...histogramQuantileProblems(facts),
      ];
      const labels = resultLabels(facts.ast, catalog);
      for (const label of legendLabels(target.legendFormat ?? '')) {
        if (!labels.includes(label)) found.push(`legend uses {{${label}}}, which the result does not carry (it has: ${labels.join(', ') || 'no labels'})`);
      }
      problems.push(...found.map((p) => `${at}: ${p}`));
    }
  }
  return problems;
}

/**
 * Dashboard template variables: the Prometheus data source every panel reads
 * from, and label filters whose values come from the catalog's metrics.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { select, type Matchers, type Selectable } from '../lib/promql/selector';
import { DATASOURCE, DATASOURCE_VARIABLE } from './panels';

/** The `datasource` variable, labelled "Data source", listing Prometheus data sources. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .description('The Prometheus that scrapes Gorax; every panel queries it.')
    .type('prometheus')
    .hide(dashboard.VariableHide.DontHide);
}

/**
 * `label_values(metric{matchers}, label)` (Grafana's variable query function,
 * not PromQL): the label must be one of the metric's declared labels.
 */
export function labelValuesQuery<const M extends Selectable & { readonly type?: 'counter' | 'gauge' }>(
  metric: M,
  label: keyof M['labels'] & string,
  matchers: Matchers<M['labels']> = {},
): string {
  if (!(label in metric.labels)) {
    throw new Error(`label_values: "${label}" is not a label of ${metric.name}; its labels are ${Object.keys(metric.labels).join(', ')}`);
  }
  return `label_values(${select(metric, matchers)}, ${label})`;
}

export interface LabelFilterSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  /** A label_values(…) query from labelValuesQuery(). */
  readonly query: string;
}

/**
 * A multi-value filter with "All" (matching `.*`), refreshed with the time
 * range; queries use it through `variable(name)`, a regex match.
 */
export function labelFilterVariable(spec: LabelFilterSpec): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(spec.name)
    .label(spec.label)
    .description(spec.description)
    .datasource(DATASOURCE)
    .query(spec.query)
    .definition(spec.query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/**
 * The few panel kinds the Gorax dashboards use, built with the Grafana
 * foundation SDK from one small typed spec: every panel gets a title, a
 * description, a unit, the `$datasource` variable on the panel and on each
 * query, and (where an alert stands behind it) the alert's thresholds.
 * Positions and ids are assigned later by the layout (layout.ts).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Expr } from '../lib/promql/functions';
import type { ThresholdSteps } from './thresholds';

/** Every panel and query reads from the dashboard's `datasource` variable. */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE: { type: string; uid: string } = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

export interface Query {
  readonly expr: Expr;
  /** Grafana legend template, such as `{{status}}`; every label it names must be in the result. */
  readonly legend?: string;
}

interface PanelSpecBase {
  readonly title: string;
  /** What the panel shows and how to read it; say which rate window it uses. */
  readonly description: string;
  /** A Grafana unit id (`ops`, `percentunit`, `s`…). */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Grid width (of 24) and height. */
  readonly width: number;
  readonly height: number;
  /** Colour steps; on a time series they are drawn as lines. */
  readonly thresholds?: ThresholdSteps;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

export interface TimeseriesSpec extends PanelSpecBase {
  readonly stack?: boolean;
}
export type StatSpec = PanelSpecBase & {
  /** Shown instead of "No data" when the query returns nothing (e.g. "0" for a count of failures). */
  readonly noValue?: string;
};
export interface TableSpec extends PanelSpecBase {
  /** Column header of the value column, and the column to sort by (descending). */
  readonly valueColumn: string;
}

/** A panel waiting for its position: the layout calls `place` once. */
export interface PanelDraft {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  place(id: number, gridPos: dashboard.GridPos): { build(): dashboard.Panel };
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function refId(index: number): string {
  const id = REF_IDS[index];
  if (id === undefined) throw new Error(`a panel has at most ${REF_IDS.length} queries`);
  return id;
}

function target(query: Query, index: number, instant: boolean): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(refId(index))
    .editorMode(QueryEditorMode.Code)
    .expr(query.expr);
  if (query.legend !== undefined) builder.legendFormat(query.legend);
  return instant ? builder.instant().format(PromQueryFormat.Table) : builder.range();
}

function thresholdsConfig(steps: ThresholdSteps): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(
    steps.map((s) => ({ value: s.value, color: s.color })),
  );
}

type CommonBuilder = TimeseriesPanelBuilder | StatPanelBuilder | TablePanelBuilder;

function validate(spec: PanelSpecBase): void {
  const where = `panel "${spec.title}"`;
  if (spec.description.trim() === '') throw new Error(`${where}: give it a description (what it shows and how to read it)`);
  if (spec.unit.trim() === '') throw new Error(`${where}: give it a unit`);
  if (spec.queries.length === 0) throw new Error(`${where}: give it at least one query`);
  if (!(Number.isInteger(spec.width) && spec.width >= 1 && spec.width <= 24)) {
    throw new Error(`${where}: width ${spec.width} must be a whole number from 1 to 24`);
  }
  if (!(Number.isInteger(spec.height) && spec.height >= 1)) throw new Error(`${where}: height ${spec.height} must be a whole number of at least 1`);
}

function applyCommon<B extends CommonBuilder>(builder: B, spec: PanelSpecBase, instant: boolean): B {
  builder
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(spec.queries.map((q, i) => target(q, i, instant)));
  if (spec.thresholds) builder.thresholds(thresholdsConfig(spec.thresholds));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.decimals !== undefined) builder.decimals(spec.decimals);
  return builder;
}

function draft(spec: PanelSpecBase, make: () => CommonBuilder): PanelDraft {
  validate(spec);
  return {
    title: spec.title,
    width: spec.width,
    height: spec.height,
    place: (id, gridPos) => make().id(id).gridPos(gridPos),
  };
}

/** A time series: ranges of values over the dashboard's time range. */
export function timeseries(spec: TimeseriesSpec): PanelDraft {
  return draft(spec, () => {
    const builder = applyCommon(new TimeseriesPanelBuilder(), spec, false)
      .legend(
        new common.VizLegendOptionsBuilder()
          .showLegend(true)
          .displayMode(common.LegendDisplayMode.List)
          .placement(common.LegendPlacement.Bottom),
      )
      .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
      .lineWidth(1)
      .fillOpacity(spec.stack ? 30 : 10)
      .thresholdsStyle(
        new common.GraphThresholdsStyleConfigBuilder().mode(
          spec.thresholds ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
        ),
      );
    if (spec.stack) builder.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
    return builder;
  });
}

/** A single big number (the last value), coloured by its thresholds. */
export function stat(spec: StatSpec): PanelDraft {
  return draft(spec, () => {
    const builder = applyCommon(new StatPanelBuilder(), spec, false)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.Area)
      .textMode(common.BigValueTextMode.ValueAndName);
    if (spec.noValue !== undefined) builder.noValue(spec.noValue);
    return builder;
  });
}

/** A table of an instant query's series (label columns and one value column), sorted by value. */
export function table(spec: TableSpec): PanelDraft {
  return draft(spec, () =>
    applyCommon(new TablePanelBuilder(), spec, true)
      .withTransformation({
        id: 'organize',
        options: { excludeByName: { Time: true }, renameByName: { Value: spec.valueColumn } },
      })
      .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.valueColumn).desc(true)])
      .cellHeight(common.TableCellHeight.Sm),
  );
}

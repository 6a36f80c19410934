/**
 * Assembles a Gorax dashboard from rows of panel drafts: the settings every
 * dashboard shares (read-only, the datasource variable, links to the other
 * Gorax dashboards, UTC-independent defaults) and a deterministic layout:
 * panel ids count up from 1 in reading order, and panels fill each row left
 * to right, wrapping when the next one no longer fits in 24 columns.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardUid } from '../lib/rules/rule-definition';
import type { PanelDraft } from './panels';
import { datasourceVariable } from './variables';

export const GRID_WIDTH = 24;

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelDraft[];
}

export interface DashboardSpec {
  readonly uid: DashboardUid;
  readonly title: string;
  readonly description: string;
  /** Variables after `datasource`, in the order they appear. */
  readonly variables?: readonly dashboard.QueryVariableBuilder[];
  readonly rows: readonly RowSpec[];
}

/** The Gorax dashboards, for the links every dashboard carries to the others. */
export const DASHBOARD_TITLES: Readonly<Record<DashboardUid, string>> = {
  'gorax-overview': 'Gorax / Overview',
  'gorax-workflows': 'Gorax / Workflows',
  'gorax-api': 'Gorax / API',
  'gorax-workers': 'Gorax / Workers',
};

/** Relative dashboard URL; Grafana resolves it against its own root. */
export function dashboardPath(uid: DashboardUid): string {
  return `/d/${uid}`;
}

function linksFrom(uid: DashboardUid): dashboard.DashboardLinkBuilder[] {
  return (Object.keys(DASHBOARD_TITLES) as DashboardUid[])
    .filter((other) => other !== uid)
    .map((other) =>
      new dashboard.DashboardLinkBuilder(DASHBOARD_TITLES[other])
        .type(dashboard.DashboardLinkType.Link)
        .url(dashboardPath(other))
        .tooltip(`Open ${DASHBOARD_TITLES[other]}`)
        .icon('dashboard')
        // Carry the time range and the data source over; filters another dashboard lacks are ignored.
        .keepTime(true)
        .includeVars(true),
    );
}

/** The full Grafana dashboard model, as the SDK builds it. */
export type GrafanaDashboard = dashboard.Dashboard & { readonly uid: string; readonly title: string };

export function buildDashboard(spec: DashboardSpec): GrafanaDashboard {
  if (DASHBOARD_TITLES[spec.uid] !== spec.title) {
    throw new Error(`dashboard ${spec.uid}: title "${spec.title}" differs from DASHBOARD_TITLES ("${DASHBOARD_TITLES[spec.uid]}")`);
  }
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['gorax'])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .links(linksFrom(spec.uid));
  for (const variable of spec.variables ?? []) builder.withVariable(variable);

  const titles = new Set<string>();
  let id = 0;
  let y = 0;
  for (const row of spec.rows) {
    if (row.panels.length === 0) throw new Error(`dashboard ${spec.uid}: row "${row.title}" has no panels`);
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }).collapsed(false));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      if (titles.has(panel.title)) throw new Error(`dashboard ${spec.uid}: two panels are titled "${panel.title}"; titles must be unique`);
      titles.add(panel.title);
      if (x + panel.width > GRID_WIDTH) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      builder.withPanel(panel.place(++id, { x, y, w: panel.width, h: panel.height }));
      x += panel.width;
      lineHeight = Math.max(lineHeight, panel.height);
    }
    y += lineHeight;
  }
  const model = builder.build() as GrafanaDashboard;
  // The SDK defaults every link to `placement: inControlsMenu`, which Grafana 12 hides in the
  // controls menu; without it the links sit in the dashboard's top bar, where on-call looks.
  for (const link of model.links ?? []) delete link.placement;
  return model;
}

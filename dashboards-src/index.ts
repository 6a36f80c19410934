/**
 * Every Gorax dashboard, by uid. The synth (dist/dashboards/<uid>.json) and
 * the Grafana ConfigMaps read dashboards only through this module.
 */
import { apiDashboard } from './api';
import type { GrafanaDashboard } from './layout';
import { overviewDashboard } from './overview';
import { workersDashboard } from './workers';
import { workflowsDashboard } from './workflows';

/** A plain Grafana dashboard model (not wrapped in `{"dashboard": …}`). */
export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly [key: string]: unknown;
}

/**
 * The four dashboards, overview first, as plain JSON data (the SDK's query
 * objects carry methods, which a JSON round trip drops); built fresh on every call.
 */
export function goraxDashboards(): readonly DashboardModel[] {
  const dashboards: GrafanaDashboard[] = [overviewDashboard(), workflowsDashboard(), apiDashboard(), workersDashboard()];
  return dashboards.map((d) => JSON.parse(JSON.stringify(d)) as DashboardModel);
}

/** The dashboard as a file: 2-space JSON with a final newline, byte-identical for identical input. */
export function dashboardJson(model: DashboardModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

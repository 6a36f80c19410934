/**
 * Every Gorax dashboard, by uid. Placeholder until the dashboards land (issue 5):
 * the manifests and synth read dashboards only through this function.
 */
export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly [key: string]: unknown;
}

export function goraxDashboards(): readonly DashboardModel[] {
  return [];
}

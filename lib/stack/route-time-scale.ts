/**
 * Scales Alertmanager's route timings (group_wait, group_interval,
 * repeat_interval) by the same factor as the rules' `for` and evaluation
 * intervals, for the fast end-to-end tests: with timeScale 1/30 a resolved
 * notification follows within seconds instead of the shipped 5m group
 * interval. Matchers, receivers and inhibitions stay exactly as generated.
 */
import type { AlertmanagerConfig, Route } from '../k8s/alertmanager-config';
import { durationSeconds, formatDuration } from '../rules/rule-file';

const TIMINGS = ['group_wait', 'group_interval', 'repeat_interval'] as const;

function scaleRoute(route: Route, factor: number): Route {
  const scaled: Record<string, unknown> = { ...route };
  for (const key of TIMINGS) {
    const value = route[key];
    if (value !== undefined) scaled[key] = formatDuration(durationSeconds(value) * factor);
  }
  if (route.routes) scaled.routes = route.routes.map((r) => scaleRoute(r, factor));
  return scaled as unknown as Route;
}

export function scaleRouteTimings(config: AlertmanagerConfig, factor: number): AlertmanagerConfig {
  if (!(factor > 0 && factor <= 1)) throw new Error(`alertmanager time scale ${factor} must be in (0, 1]; 1 is what ships`);
  return factor === 1 ? config : { ...config, route: scaleRoute(config.route, factor) };
}

/**
 * Turns rule group definitions into a Prometheus rule file, applying the
 * cross-cutting layers once for every alert: `severity`, `runbook_url`,
 * `dashboard_url`, and (for fast end-to-end tests only) time scaling.
 */
import { stringify } from 'yaml';
import type { EnvironmentConfig } from '../config/environments';
import type { AlertDefinition, Duration, RuleGroupDefinition } from './rule-definition';

export interface RuleFileOptions {
  /**
   * Multiplies every `for` and the group evaluation interval. 1 (the default)
   * is what ships; the end-to-end tests use a smaller factor so alerts fire in
   * seconds. Expressions and thresholds are never changed.
   */
  readonly timeScale?: number;
  /** Group evaluation interval before scaling. @default the environment's evaluation interval */
  readonly evaluationInterval?: Duration;
}

export interface PrometheusRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRule[];
}

export interface PrometheusRuleFile {
  readonly groups: readonly PrometheusRuleGroup[];
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Parses `90s`, `5m`, `1h` into seconds. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`"${duration}" is not a duration such as 30s, 5m or 1h`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** Renders seconds back as the shortest whole Prometheus duration (milliseconds when scaled below 1s). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

function scaled(duration: string, factor: number): string {
  return formatDuration(durationSeconds(duration) * factor);
}

function dashboardUrl(alert: AlertDefinition, env: EnvironmentConfig): string | undefined {
  const { dashboard } = alert;
  if (dashboard === undefined) return undefined;
  const base = `${env.grafanaBaseUrl}/d/`;
  if (typeof dashboard === 'string') return `${base}${dashboard}`;
  // One dashboard per job: pick it from the alert's own job label.
  const [first, ...rest] = Object.entries(dashboard);
  const branches = rest.map(([job, uid]) => `{{ else if eq $labels.job "${job}" }}${base}${uid}`).join('');
  return `{{ if eq $labels.job "${first![0]}" }}${base}${first![1]}${branches}{{ else }}${base}gorax-overview{{ end }}`;
}

function renderAlert(alert: AlertDefinition, env: EnvironmentConfig, timeScale: number): PrometheusRule {
  const url = dashboardUrl(alert, env);
  const forDuration = scaled(alert.for, timeScale);
  return {
    alert: alert.name,
    expr: alert.expr,
    ...(durationSeconds(alert.for) > 0 ? { for: forDuration } : {}),
    labels: { severity: alert.severity },
    annotations: {
      summary: alert.summary,
      description: alert.description,
      runbook_url: `${env.runbookBaseUrl}/${alert.name}.md`,
      ...(url === undefined ? {} : { dashboard_url: url }),
    },
  };
}

export function buildRuleFile(
  groups: readonly RuleGroupDefinition[],
  env: EnvironmentConfig,
  options: RuleFileOptions = {},
): PrometheusRuleFile {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && timeScale <= 1)) {
    throw new Error(`rule file: timeScale ${timeScale} must be in (0, 1]; 1 is what ships`);
  }
  const interval = options.evaluationInterval ?? env.prometheus.evaluationInterval;
  const seen = new Set<string>();
  for (const group of groups) {
    for (const name of [...group.records.map((r) => r.record), ...group.alerts.map((a) => a.name)]) {
      if (seen.has(name)) throw new Error(`rule file: "${name}" is defined twice`);
      seen.add(name);
    }
  }
  return {
    groups: groups.map((group) => ({
      name: group.name,
      ...(timeScale === 1 ? {} : { interval: scaled(interval, timeScale) }),
      rules: [
        ...group.records.map((r) => ({ record: r.record, expr: r.expr })),
        ...group.alerts.map((a) => renderAlert(a, env, timeScale)),
      ],
    })),
  };
}

/** The rule file as YAML, byte-identical for identical input. */
export function renderRuleFile(file: PrometheusRuleFile): string {
  return stringify(file, { lineWidth: 0, blockQuote: 'literal' });
}

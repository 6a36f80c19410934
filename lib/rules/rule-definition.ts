/**
 * What an alerting or recording rule is, before the cross-cutting layers
 * (runbook and dashboard links, time scaling) are applied to it.
 */
import type { LabelSpecs } from '../catalog/metric-definition';
import type { Job } from '../catalog/target-labels';
import type { Expr } from '../promql/functions';
import type { Selectable } from '../promql/selector';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A Prometheus duration such as `5m`. */
export type Duration = `${number}${'s' | 'm' | 'h'}`;

/** The uids of the dashboards (fixed by the contract). */
export const DASHBOARD_UIDS = ['gorax-overview', 'gorax-workflows', 'gorax-api', 'gorax-workers'] as const;
export type DashboardUid = (typeof DASHBOARD_UIDS)[number];

/** A recording rule that can also be selected like a metric (its labels are those it keeps). */
export interface RecordingRule<N extends string = string, L extends LabelSpecs = LabelSpecs> extends Selectable<N, L> {
  readonly record: N;
  /** Recorded series are already aggregated: no rate() or quantile over them by type. */
  readonly type?: never;
  readonly expr: Expr;
  /** Grafana unit of the recorded values. */
  readonly unit: string;
}

export interface AlertDefinition {
  /** CamelCase alert name; the runbook is docs/runbooks/<name>.md. */
  readonly name: string;
  readonly expr: Expr;
  readonly for: Duration;
  readonly severity: Severity;
  /** One static sentence ending in a period. */
  readonly summary: string;
  /** Templated with {{ $labels.x }} / {{ $value }}. */
  readonly description: string;
  /** The dashboard that shows this alert's signal: one uid, or one per job. */
  readonly dashboard?: DashboardUid | Readonly<Record<Job, DashboardUid>>;
}

export interface RuleGroupDefinition {
  /** Prometheus rule group name. */
  readonly name: string;
  /** Evaluated first, in order, so the alerts below see this evaluation's values. */
  readonly records: readonly RecordingRule[];
  readonly alerts: readonly AlertDefinition[];
}

/** Declares a recording rule; `labels` are the labels its expression keeps. */
export function defineRecord<const N extends string, const L extends LabelSpecs>(rule: {
  readonly record: N;
  readonly expr: Expr;
  readonly labels: L;
  readonly unit: string;
}): RecordingRule<N, L> {
  const parts = rule.record.split(':');
  if (parts.length !== 3 || parts.some((p, i) => p === '' && i !== 0)) {
    throw new Error(`recording rule "${rule.record}" must be named level:metric:operations`);
  }
  return Object.freeze({ ...rule, name: rule.record });
}

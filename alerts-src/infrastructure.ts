/**
 * Dependencies, resources and the monitoring pipeline itself.
 */
import { healthCheckStatus } from '../lib/catalog/metrics';
import { processResidentMemoryBytes, up } from '../lib/catalog/external-metrics';
import { JOBS, type Job } from '../lib/catalog/target-labels';
import { mebibytes, type EnvironmentConfig } from '../lib/config/environments';
import { THRESHOLDS } from '../lib/config/thresholds';
import { aggregateBy } from '../lib/promql/functions';
import { oneOf, select } from '../lib/promql/selector';
import type { AlertDefinition, RuleGroupDefinition } from '../lib/rules/rule-definition';
import { percent } from '../lib/rules/format';

const bothServices = { 'gorax-api': 'gorax-api', 'gorax-worker': 'gorax-workers' } as const;

/**
 * Fires per service whose own readiness check of the dependency fails, with
 * the number of failing instances as its value. A process that is down
 * exports nothing, so it raises GoraxTargetDown, not this.
 */
function dependencyAlert(name: string, check: 'database' | 'redis', what: string): AlertDefinition {
  return {
    name,
    expr: `${aggregateBy('count', ['job'], `${select(healthCheckStatus, { check })} == 0`)} > 0`,
    for: '2m',
    severity: 'critical',
    summary: `Gorax services cannot reach ${what}.`,
    description: `{{ $value }} instance(s) of {{ $labels.job }} fail their ${check} readiness check.`,
    dashboard: 'gorax-workers',
  };
}

export function infrastructureRules(env: EnvironmentConfig): RuleGroupDefinition {
  const memoryRatio = (job: Job, limitMiB: number) =>
    `${select(processResidentMemoryBytes, { job })} / ${mebibytes(limitMiB)}`;
  const { memoryUsageRatio } = THRESHOLDS;
  return {
    name: 'gorax-infrastructure',
    records: [],
    alerts: [
      dependencyAlert('DatabaseConnectionFailure', 'database', 'PostgreSQL'),
      dependencyAlert('RedisConnectionFailure', 'redis', 'Redis'),
      {
        // The limits are the ones the workloads are deployed with (lib/config/environments.ts).
        name: 'HighMemoryUsage',
        expr: [
          '(',
          `  ${memoryRatio(JOBS.api, env.api.limits.memoryMiB)}`,
          '  or',
          `  ${memoryRatio(JOBS.worker, env.worker.limits.memoryMiB)}`,
          `) > ${memoryUsageRatio.warning}`,
        ].join('\n'),
        for: '5m',
        severity: 'warning',
        summary: 'A Gorax process is close to its memory limit.',
        description: `{{ $labels.instance }} of {{ $labels.job }} uses {{ $value | humanizePercentage }} of its container memory limit (threshold ${percent(memoryUsageRatio.warning)}); past the limit it is OOM-killed.`,
        dashboard: bothServices,
      },
      {
        name: 'GoraxTargetDown',
        expr: `${select(up, { job: oneOf(JOBS.api, JOBS.worker) })} == 0`,
        for: '5m',
        severity: 'warning',
        summary: 'Prometheus cannot scrape a Gorax process.',
        description: '{{ $labels.job }} target {{ $labels.instance }} has been unreachable for 5 minutes.',
        dashboard: bothServices,
      },
      {
        name: 'GoraxJobAbsent',
        expr: `absent(${select(up, { job: JOBS.api })})\nor\nabsent(${select(up, { job: JOBS.worker })})`,
        for: '5m',
        severity: 'critical',
        summary: 'A Gorax scrape job has no targets at all.',
        description: 'Prometheus discovers no target of job {{ $labels.job }}: the service is gone or no longer scraped, and its alerts cannot fire.',
        dashboard: 'gorax-overview',
      },
      {
        name: 'Watchdog',
        expr: 'vector(1)',
        for: '0m',
        severity: 'info',
        summary: 'The alerting pipeline is working.',
        description:
          'This alert always fires. The heartbeat receiver expects it continuously: if it stops arriving, Prometheus or Alertmanager is down.',
      },
    ],
  };
}

/**
 * The panels every Gorax Node.js process gets (the API's and the workers'):
 * scrape health, CPU, resident memory against the container's limit (the
 * HighMemoryUsage signal), event-loop lag, garbage collection and heap. They
 * read prom-client's default metrics, declared in lib/catalog/external-metrics.ts.
 */
import {
  nodejsEventloopLagP99Seconds,
  nodejsGcDurationSeconds,
  nodejsHeapSizeTotalBytes,
  nodejsHeapSizeUsedBytes,
  processCpuSecondsTotal,
  processResidentMemoryBytes,
  up,
} from '../lib/catalog/external-metrics';
import type { Job } from '../lib/catalog/target-labels';
import { ENVIRONMENTS, mebibytes, type ComputeResources, type EnvironmentConfig } from '../lib/config/environments';
import { THRESHOLDS } from '../lib/config/thresholds';
import { rate, sumBy } from '../lib/promql/functions';
import { observationSum, select } from '../lib/promql/selector';
import { percent } from '../lib/rules/format';
import { stat, timeseries, type PanelDraft } from './panels';
import { alertAbove, alertBelow } from './thresholds';

/**
 * One dashboard serves every environment, so it can draw one limit per
 * workload only while all environments deploy it with the same limits;
 * otherwise synth stops and says which differ.
 */
export function sharedLimits(
  workload: 'api' | 'worker',
  environments: readonly EnvironmentConfig[] = Object.values(ENVIRONMENTS),
): ComputeResources {
  const all = environments.map((env) => ({ env: env.name, limits: env[workload].limits }));
  const first = all[0]!;
  const differing = all.filter((e) => e.limits.cpuMillis !== first.limits.cpuMillis || e.limits.memoryMiB !== first.limits.memoryMiB);
  if (differing.length > 0) {
    throw new Error(
      `dashboards: ${workload} limits differ between environments (${all
        .map((e) => `${e.env}: ${e.limits.cpuMillis}m CPU, ${e.limits.memoryMiB}MiB`)
        .join('; ')}); the dashboards draw one limit per workload, so give every environment the same ${workload}.limits or make the memory panels read the limit from kube-state-metrics`,
    );
  }
  return first.limits;
}

export interface ProcessPanelsSpec {
  readonly job: Job;
  /** "API", "worker": used in titles. */
  readonly name: string;
  readonly workload: 'api' | 'worker';
}

/** Scrape health, CPU, memory against the limit, event-loop lag, GC time and heap of one job's processes. */
export function processPanels(spec: ProcessPanelsSpec): PanelDraft[] {
  const { job, name } = spec;
  const limits = sharedLimits(spec.workload);
  const limitCores = limits.cpuMillis / 1000;
  const { memoryUsageRatio } = THRESHOLDS;
  return [
    stat({
      title: `${name} targets up`,
      description: `How many ${name} processes (job ${job}) Prometheus scraped successfully at the last scrape. A target that stays down for 5 minutes raises GoraxTargetDown; no target at all raises GoraxJobAbsent.`,
      unit: 'short',
      queries: [{ expr: sumBy([], select(up, { job })), legend: 'up' }],
      // Any scraped process is healthy here; zero is the alert condition.
      thresholds: alertBelow({ critical: 1 }, `${name} targets up`),
      noValue: '0',
      width: 4,
      height: 8,
    }),
    timeseries({
      title: `${name} memory / limit`,
      description: `Resident memory of each ${name} process divided by its container memory limit (${limits.memoryMiB} MiB, from lib/config/environments.ts): the HighMemoryUsage signal, which fires above ${percent(memoryUsageRatio.warning)} for 5 minutes. At 100% the container is OOM-killed.`,
      unit: 'percentunit',
      queries: [{ expr: `${select(processResidentMemoryBytes, { job })} / ${mebibytes(limits.memoryMiB)}`, legend: '{{instance}}' }],
      thresholds: alertAbove({ warning: memoryUsageRatio.warning, critical: 1 }, `${name} memory / limit`),
      min: 0,
      width: 10,
      height: 8,
    }),
    timeseries({
      title: `${name} CPU`,
      description: `CPU time each ${name} process uses per second (1 = one core), averaged over $__rate_interval from process_cpu_seconds_total. The red line is the container's CPU limit (${limitCores} cores): at it, the process is throttled.`,
      unit: 'short',
      queries: [{ expr: sumBy(['instance'], rate(select(processCpuSecondsTotal, { job }), '$__rate_interval')), legend: '{{instance}}' }],
      thresholds: alertAbove({ critical: limitCores }, `${name} CPU`),
      min: 0,
      width: 10,
      height: 8,
    }),
    timeseries({
      title: `${name} event-loop lag p99`,
      description: `The 99th percentile of event-loop delay in each ${name} process (prom-client's own measurement): how long ready callbacks wait. Lag in the hundreds of milliseconds means CPU-bound work is blocking requests and jobs.`,
      unit: 's',
      queries: [{ expr: select(nodejsEventloopLagP99Seconds, { job }), legend: '{{instance}}' }],
      min: 0,
      width: 8,
      height: 8,
    }),
    timeseries({
      title: `${name} time in GC`,
      description: `Share of wall time each ${name} process spends in garbage collection, by GC kind, averaged over $__rate_interval (rate of nodejs_gc_duration_seconds_sum). Sustained major GC usually means the heap is near its limit.`,
      unit: 'percentunit',
      queries: [
        {
          expr: sumBy(['instance', 'kind'], rate(observationSum(nodejsGcDurationSeconds, { job }), '$__rate_interval')),
          legend: '{{instance}} {{kind}}',
        },
      ],
      min: 0,
      width: 8,
      height: 8,
    }),
    timeseries({
      title: `${name} heap`,
      description: `V8 heap used and allocated by each ${name} process. Used heap that keeps growing across GCs points to a leak.`,
      unit: 'bytes',
      queries: [
        { expr: select(nodejsHeapSizeUsedBytes, { job }), legend: '{{instance}} used' },
        { expr: select(nodejsHeapSizeTotalBytes, { job }), legend: '{{instance}} allocated' },
      ],
      min: 0,
      width: 8,
      height: 8,
    }),
  ];
}

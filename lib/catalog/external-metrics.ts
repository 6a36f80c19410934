/**
 * Metrics the rules and dashboards use that Gorax code does not declare:
 * Prometheus' own synthetic series and prom-client's default process and
 * Node.js metrics. Declared here so that they are checked like our own.
 */
import { defineMetric } from './metric-definition';
import { TARGET_LABELS } from './target-labels';

/** Prometheus' per-target scrape health: 1 when the last scrape succeeded. */
export const up = defineMetric({
  name: 'up',
  type: 'gauge',
  help: 'Whether the last scrape of the target succeeded (Prometheus).',
  unit: 'bool',
  labels: {},
});

/** Prometheus' series of pending and firing alerts. */
export const alerts = defineMetric({
  name: 'ALERTS',
  type: 'gauge',
  help: 'Pending and firing alerts (Prometheus).',
  unit: 'short',
  labels: {
    alertname: { description: 'The alert name.', pattern: /^[A-Z][A-Za-z0-9]*$/ },
    alertstate: { description: 'pending or firing.', values: ['pending', 'firing'] },
    severity: { description: 'The alert severity.', values: ['critical', 'warning', 'info'] },
  },
});

export const processResidentMemoryBytes = defineMetric({
  name: 'process_resident_memory_bytes',
  type: 'gauge',
  help: 'Resident memory size in bytes (prom-client default metrics).',
  unit: 'bytes',
  labels: {},
});

export const processCpuSecondsTotal = defineMetric({
  name: 'process_cpu_seconds_total',
  type: 'counter',
  help: 'Total user and system CPU time spent in seconds (prom-client default metrics).',
  unit: 'percentunit',
  labels: {},
});

export const nodejsEventloopLagP99Seconds = defineMetric({
  name: 'nodejs_eventloop_lag_p99_seconds',
  type: 'gauge',
  help: 'The 99th percentile of the recorded event loop delays (prom-client default metrics).',
  unit: 's',
  labels: {},
});

export const nodejsGcDurationSeconds = defineMetric({
  name: 'nodejs_gc_duration_seconds',
  type: 'histogram',
  help: 'Garbage collection duration by kind (prom-client default metrics).',
  unit: 's',
  labels: {
    kind: { description: 'The GC kind.', values: ['major', 'minor', 'incremental', 'weakcb'] },
  },
  buckets: [0.001, 0.01, 0.1, 1, 2, 5],
});

export const nodejsHeapSizeUsedBytes = defineMetric({
  name: 'nodejs_heap_size_used_bytes',
  type: 'gauge',
  help: 'V8 heap size used in bytes (prom-client default metrics).',
  unit: 'bytes',
  labels: {},
});

export const nodejsHeapSizeTotalBytes = defineMetric({
  name: 'nodejs_heap_size_total_bytes',
  type: 'gauge',
  help: 'V8 heap size allocated in bytes (prom-client default metrics).',
  unit: 'bytes',
  labels: {},
});

export const EXTERNAL_METRICS = [
  up,
  alerts,
  processResidentMemoryBytes,
  processCpuSecondsTotal,
  nodejsEventloopLagP99Seconds,
  nodejsGcDurationSeconds,
  nodejsHeapSizeUsedBytes,
  nodejsHeapSizeTotalBytes,
] as const;

/** Labels Prometheus adds to every series it scrapes or evaluates. */
export const SCRAPE_LABELS = TARGET_LABELS;

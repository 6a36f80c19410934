/**
 * Every alert threshold, in one place: the rules alert on these numbers and
 * the dashboards draw them, so a panel's red line is always the alert's.
 */
export const THRESHOLDS = {
  /** Failed / all workflow executions, fleet-wide. */
  workflowFailureRatio: { warning: 0.1, critical: 0.25 },
  /** p95 workflow execution time, seconds. */
  workflowDurationP95Seconds: { warning: 60 },
  /** Jobs waiting in a queue. */
  queueDepth: { warning: 1000, critical: 5000 },
  /** Live worker slots across the whole worker fleet: below `critical` nothing can run at all. */
  workerSlots: { critical: 1, warning: 3 },
  /** 5xx / all API responses (health routes excluded). */
  httpErrorRatio: { critical: 0.05 },
  /** p95 API latency, seconds (health routes excluded). */
  httpLatencyP95Seconds: { warning: 2 },
  /** Resident memory / the container's memory limit. */
  memoryUsageRatio: { warning: 0.85 },
  /** Failed / all step executions of one step type. */
  stepFailureRatio: { warning: 0.15 },
  /** Failed action:http steps per second, fleet-wide. */
  httpActionFailuresPerSecond: { warning: 0.5 },
  /** Workflow/step recordings redirected to __overflow__ by the cardinality guard over 10m, per job: any is a warning. */
  metricsCardinalityOverflows: { warning: 0 },
} as const;

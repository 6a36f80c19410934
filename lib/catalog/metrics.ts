/**
 * The Gorax metric catalog: every metric the services export, declared once.
 * The services register these with prom-client, the rules and dashboards
 * select them through `lib/promql`, and the docs list them from here.
 */
import { defineMetric } from './metric-definition';
import {
  executionStatusLabel,
  healthCheckLabel,
  httpMethodLabel,
  httpPathLabel,
  httpStatusLabel,
  queueLabel,
  revisionLabel,
  serviceLabel,
  stepTypeLabel,
  tenantIdLabel,
  versionLabel,
  workflowIdLabel,
} from './labels';

/** Prometheus' default buckets (prom-client's too), used for HTTP latency. */
export const DEFAULT_HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const workflowExecutionsTotal = defineMetric({
  name: 'gorax_workflow_executions_total',
  type: 'counter',
  help: 'Workflow executions that finished, by outcome.',
  unit: 'short',
  labels: { tenant_id: tenantIdLabel, workflow_id: workflowIdLabel, status: executionStatusLabel },
});

export const workflowExecutionDurationSeconds = defineMetric({
  name: 'gorax_workflow_execution_duration_seconds',
  type: 'histogram',
  help: 'Wall time of a workflow execution, from its start to its last step.',
  unit: 's',
  labels: { tenant_id: tenantIdLabel, workflow_id: workflowIdLabel },
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
});

export const stepExecutionsTotal = defineMetric({
  name: 'gorax_step_executions_total',
  type: 'counter',
  help: 'Workflow steps that finished (after their retries), by node type and outcome.',
  unit: 'short',
  labels: {
    tenant_id: tenantIdLabel,
    workflow_id: workflowIdLabel,
    step_type: stepTypeLabel,
    status: executionStatusLabel,
  },
});

export const stepExecutionDurationSeconds = defineMetric({
  name: 'gorax_step_execution_duration_seconds',
  type: 'histogram',
  help: 'Wall time of a workflow step, including its retries.',
  unit: 's',
  labels: { tenant_id: tenantIdLabel, workflow_id: workflowIdLabel, step_type: stepTypeLabel },
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
});

export const queueDepth = defineMetric({
  name: 'gorax_queue_depth',
  type: 'gauge',
  help: 'Jobs waiting in the queue (waiting, delayed or prioritized; not running).',
  unit: 'short',
  labels: { queue: queueLabel },
});

export const activeWorkers = defineMetric({
  name: 'gorax_active_workers',
  type: 'gauge',
  help: 'Live worker slots in this process (its concurrency while it takes jobs).',
  unit: 'short',
  labels: {},
});

export const httpRequestsTotal = defineMetric({
  name: 'gorax_http_requests_total',
  type: 'counter',
  help: 'HTTP requests answered by the API, by route template and status code.',
  unit: 'reqps',
  labels: { method: httpMethodLabel, path: httpPathLabel, status: httpStatusLabel },
});

export const httpRequestDurationSeconds = defineMetric({
  name: 'gorax_http_request_duration_seconds',
  type: 'histogram',
  help: 'Time to answer an HTTP request, by route template.',
  unit: 's',
  labels: { method: httpMethodLabel, path: httpPathLabel },
  buckets: DEFAULT_HTTP_BUCKETS,
});

export const workflowExecutionsInProgress = defineMetric({
  name: 'gorax_workflow_executions_in_progress',
  type: 'gauge',
  help: 'Workflow executions running in this process now.',
  unit: 'short',
  labels: {},
});

export const healthCheckStatus = defineMetric({
  name: 'gorax_health_check_status',
  type: 'gauge',
  help: 'Result of the last readiness check of a dependency: 1 passing, 0 failing.',
  unit: 'bool',
  labels: { check: healthCheckLabel },
});

export const buildInfo = defineMetric({
  name: 'gorax_build_info',
  type: 'gauge',
  help: 'Always 1; the labels say which build of which service is running.',
  unit: 'short',
  labels: { service: serviceLabel, version: versionLabel, revision: revisionLabel },
});

/**
 * Beyond the contract: how often the worker's per-process cardinality guard
 * (METRICS_MAX_WORKFLOW_SERIES) redirected a recording to the __overflow__
 * series, so a tenant/workflow label explosion is visible and alerted on.
 */
export const metricsCardinalityOverflowTotal = defineMetric({
  name: 'gorax_metrics_cardinality_overflow_total',
  type: 'counter',
  help: 'Workflow and step recordings written under tenant_id/workflow_id="__overflow__" because the per-process series limit was reached (or the ids were not valid label values).',
  unit: 'short',
  labels: {},
});

/** Every metric the Gorax services export, in documentation order. */
export const GORAX_METRICS = [
  workflowExecutionsTotal,
  workflowExecutionDurationSeconds,
  stepExecutionsTotal,
  stepExecutionDurationSeconds,
  queueDepth,
  activeWorkers,
  httpRequestsTotal,
  httpRequestDurationSeconds,
  workflowExecutionsInProgress,
  healthCheckStatus,
  buildInfo,
  metricsCardinalityOverflowTotal,
] as const;

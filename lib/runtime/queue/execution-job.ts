/** The one job kind on the queue: "run this execution". Its id is the execution id. */
import type { TraceCarrier } from '../tracing/queue-trace-context';

export const EXECUTION_JOB_NAME = 'workflow-execution';

export interface ExecutionJobData {
  readonly executionId: string;
  readonly tenantId: string;
  /** W3C trace context of the enqueuing request (traceparent, tracestate, baggage); absent when not traced. */
  readonly trace?: TraceCarrier;
}

/**
 * Delivery attempts for infrastructure failures (database unreachable while
 * running). A workflow that fails on its own merit completes its job.
 */
export const EXECUTION_JOB_ATTEMPTS = 5;

/**
 * Label specifications shared by several metrics, declared once.
 */
import type { ClosedLabel, OpenLabel } from './metric-definition';
import { STEP_TYPES } from './step-types';

/** The one value every unmatched HTTP request is recorded under, so no URL can create a series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Recorded instead of a tenant or workflow id once the per-process cardinality guard is exceeded. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

export const tenantIdLabel: OpenLabel = {
  description: 'The tenant that owns the workflow (the X-Tenant-ID header).',
  pattern: /^(?:[a-z0-9][a-z0-9-]{0,62}|__overflow__)$/,
};

export const workflowIdLabel: OpenLabel = {
  description: 'The workflow id (a UUID).',
  pattern: /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|__overflow__)$/,
};

export const executionStatusLabel = {
  description: 'How the execution ended.',
  values: ['completed', 'failed'],
} as const satisfies ClosedLabel;

export const stepTypeLabel = {
  description: "The executor's node type string.",
  values: STEP_TYPES,
} as const satisfies ClosedLabel;

export const httpMethodLabel = {
  description: 'The HTTP request method.',
  values: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
} as const satisfies ClosedLabel;

export const httpPathLabel: OpenLabel = {
  description: `The route template (such as /api/v1/workflows/:id), never the raw URL; "${UNMATCHED_ROUTE}" for requests that match no route.`,
  pattern: /^(?:\/[A-Za-z0-9_:/.-]*|unmatched)$/,
};

export const httpStatusLabel: OpenLabel = {
  description: 'The numeric HTTP response status code, such as "200".',
  pattern: /^[1-5][0-9]{2}$/,
};

export const queueLabel: OpenLabel = {
  description: 'The BullMQ queue name (QUEUE_NAME, "default" unless configured).',
  pattern: /^[A-Za-z0-9_.:-]+$/,
};

export const healthCheckLabel = {
  description: 'The dependency or resource a readiness check covers.',
  values: ['database', 'redis', 'queue', 'memory', 'disk'],
} as const satisfies ClosedLabel;

export const serviceLabel = {
  description: 'Which Gorax process exported the series.',
  values: ['api', 'worker'],
} as const satisfies ClosedLabel;

export const versionLabel: OpenLabel = {
  description: 'The release version of the running build.',
  pattern: /^[A-Za-z0-9._+-]+$/,
};

export const revisionLabel: OpenLabel = {
  description: 'The source revision (git commit) of the running build.',
  pattern: /^[A-Za-z0-9._-]+$/,
};

/** Attribute names of our own spans (workflow.execute, step.execute), declared once. */
export const SPAN_NAMES = {
  workflow: 'workflow.execute',
  step: 'step.execute',
} as const;

export const SPAN_ATTRIBUTES = {
  tenantId: 'gorax.tenant_id',
  workflowId: 'gorax.workflow_id',
  executionId: 'gorax.execution_id',
  triggerType: 'gorax.trigger_type',
  /** completed, failed or not-claimed (already finished: a duplicate delivery). */
  executionOutcome: 'gorax.execution.outcome',
  stepId: 'gorax.step.id',
  stepType: 'gorax.step.type',
  /** Attempts this step made in this delivery (1 unless retried). */
  stepAttempt: 'gorax.step.attempt',
  stepMaxAttempts: 'gorax.step.max_attempts',
  /** completed or failed. */
  stepOutcome: 'gorax.step.outcome',
} as const;

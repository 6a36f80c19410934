/**
 * The executor's node types. `step_type` on the step metrics is exactly one of
 * these strings, so rules and dashboards can only match values the executor
 * records (the original alert filtered on `step_type="http"`, which never existed).
 */
export const STEP_TYPES = [
  'trigger:manual',
  'action:http',
  'action:transform',
  'control:delay',
  'control:condition',
] as const;

export type StepType = (typeof STEP_TYPES)[number];

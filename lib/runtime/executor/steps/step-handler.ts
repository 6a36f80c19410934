/** What every node type's handler receives and returns. */
import type { WorkflowNode } from '../../workflow/workflow-definition';

export interface StepContext {
  /** The execution's trigger input. */
  readonly input: unknown;
  /** Outputs of the steps that ran before, by node id. */
  readonly steps: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
}

export type StepHandler<T extends WorkflowNode['type']> = (
  node: Extract<WorkflowNode, { type: T }>,
  context: StepContext,
) => Promise<unknown>;

/** One handler per node type: the keys are exactly STEP_TYPES. */
export type StepHandlers = { readonly [T in WorkflowNode['type']]: StepHandler<T> };

/** control:condition: the expression must yield a boolean; the edges whose branch matches it are taken. */
import { PermanentStepError } from '../step-error';
import { evaluateExpression } from './expression';
import type { StepHandler } from './step-handler';

export interface ConditionOutput {
  readonly result: boolean;
}

export const conditionControl: StepHandler<'control:condition'> = async (node, context) => {
  const value = await evaluateExpression(node.config.expression, context);
  if (typeof value !== 'boolean') {
    throw new PermanentStepError(`condition must evaluate to true or false, got ${JSON.stringify(value)}`);
  }
  return { result: value } satisfies ConditionOutput;
};

/**
 * JSONata evaluation for action:transform and control:condition. The data an
 * expression sees is `{ input, steps }`: the trigger input and the earlier
 * steps' outputs by node id.
 */
import jsonata from 'jsonata';
import { PermanentStepError } from '../step-error';
import type { StepContext } from './step-handler';

export async function evaluateExpression(expression: string, context: StepContext): Promise<unknown> {
  try {
    const result: unknown = await jsonata(expression).evaluate({ input: context.input, steps: context.steps });
    return result === undefined ? null : result;
  } catch (error) {
    const message = (error as { message?: string }).message ?? String(error);
    throw new PermanentStepError(`expression failed: ${message}`);
  }
}

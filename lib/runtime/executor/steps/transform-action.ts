/** action:transform: the output is the JSONata expression's value. */
import { evaluateExpression } from './expression';
import type { StepHandler } from './step-handler';

export const transformAction: StepHandler<'action:transform'> = (node, context) =>
  evaluateExpression(node.config.expression, context);

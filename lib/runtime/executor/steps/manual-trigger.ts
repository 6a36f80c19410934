/** trigger:manual: the execution's input is the trigger's output. */
import type { StepHandler } from './step-handler';

export const manualTrigger: StepHandler<'trigger:manual'> = async (_node, context) => context.input ?? {};

/** The handler of every node type, keyed by STEP_TYPES. */
import { conditionControl } from './condition-control';
import { delayControl } from './delay-control';
import { createHttpAction, type HttpActionOptions } from './http-action';
import { manualTrigger } from './manual-trigger';
import type { StepHandlers } from './step-handler';
import { transformAction } from './transform-action';

export interface StepHandlerSet {
  readonly handlers: StepHandlers;
  close(): Promise<void>;
}

export function createStepHandlers(options: HttpActionOptions): StepHandlerSet {
  const http = createHttpAction(options);
  const handlers = {
    'trigger:manual': manualTrigger,
    'action:http': http.handler,
    'action:transform': transformAction,
    'control:delay': delayControl,
    'control:condition': conditionControl,
  } satisfies StepHandlers;
  return { handlers, close: () => http.close() };
}

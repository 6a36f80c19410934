/**
 * JSONata evaluation for action:transform and control:condition. The data an
 * expression sees is `{ input, steps }`: the trigger input and the earlier
 * steps' outputs by node id.
 *
 * Expressions are tenant code and JSONata evaluates them on the worker's
 * event loop (its awaits only yield to microtasks), so an endless loop or
 * recursion would stall every slot of the process, its lock renewals and its
 * health answers. JSONata 2.2's own guardrails bound each evaluation: its
 * `timeout` and `stack` options are checked on entry to every evaluation
 * step (the built-in form of the documented __evaluate_entry/__evaluate_exit
 * "timebox" hooks) and throw D1012 / D1011. One built-in call (a regular
 * expression, a sort) is not interrupted midway: the bound applies between
 * evaluation steps.
 */
import jsonata from 'jsonata';
import { PermanentStepError } from '../step-error';
import type { StepContext } from './step-handler';

export const EXPRESSION_LIMITS = {
  /** Wall time of one evaluation: far below the job lock (30 s) and the probes' timeouts. */
  timeoutMs: 1000,
  /** Nested evaluation steps; ordinary expressions use tens, a recursion of ~100 calls a few hundred. */
  maxDepth: 1000,
} as const;

const STACK_OVERFLOW = 'D1011';
const TIMEOUT = 'D1012';

function failure(error: unknown): PermanentStepError {
  const { code, message } = error as { code?: string; message?: string };
  if (code === TIMEOUT) {
    return new PermanentStepError(`expression exceeded its time limit of ${EXPRESSION_LIMITS.timeoutMs} ms (an endless loop or recursion?)`);
  }
  if (code === STACK_OVERFLOW) {
    return new PermanentStepError(`expression exceeded the maximum evaluation depth of ${EXPRESSION_LIMITS.maxDepth} (a recursion that never ends?)`);
  }
  return new PermanentStepError(`expression failed: ${message ?? String(error)}`);
}

export async function evaluateExpression(expression: string, context: StepContext): Promise<unknown> {
  try {
    const compiled = jsonata(expression, { timeout: EXPRESSION_LIMITS.timeoutMs, stack: EXPRESSION_LIMITS.maxDepth });
    const result: unknown = await compiled.evaluate({ input: context.input, steps: context.steps });
    return result === undefined ? null : result;
  } catch (error) {
    throw failure(error);
  }
}

/**
 * JSONata evaluation is bounded: an expression that loops or recurses
 * forever fails with a clear, permanent error instead of holding the
 * worker's event loop.
 */
import { PermanentStepError } from '../../../../lib/runtime/executor/step-error';
import { EXPRESSION_LIMITS, evaluateExpression } from '../../../../lib/runtime/executor/steps/expression';
import type { StepContext } from '../../../../lib/runtime/executor/steps/step-handler';

const context: StepContext = { input: { n: 5 }, steps: { fetch: { status: 200 } }, signal: new AbortController().signal };

describe('evaluateExpression', () => {
  it('evaluates against the trigger input and earlier outputs', async () => {
    await expect(evaluateExpression('{"n": input.n * 2, "ok": steps.fetch.status = 200}', context)).resolves.toEqual({ n: 10, ok: true });
    await expect(evaluateExpression('input.missing', context)).resolves.toBeNull();
  });

  it('stops an endless (tail-recursive) loop at the time limit', async () => {
    // A tail call runs in constant depth, so only the time bound can end it.
    const endless = '($loop := function($i) { $loop($i + 1) }; $loop(0))';
    const error = await evaluateExpression(endless, context).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toBe(
      `expression exceeded its time limit of ${EXPRESSION_LIMITS.timeoutMs} ms (an endless loop or recursion?)`,
    );
  });

  it('stops a recursion that never ends at the depth limit', async () => {
    const endless = '($deeper := function($i) { 1 + $deeper($i + 1) }; $deeper(0))';
    const error = await evaluateExpression(endless, context).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toBe(
      `expression exceeded the maximum evaluation depth of ${EXPRESSION_LIMITS.maxDepth} (a recursion that never ends?)`,
    );
  });

  it('still allows bounded recursion and ordinary work within the limits', async () => {
    const factorial = '($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20))';
    await expect(evaluateExpression(factorial, context)).resolves.toBe(2432902008176640000);
    await expect(evaluateExpression('$sum([1..10000])', context)).resolves.toBe(50005000);
  });

  it('reports other JSONata errors as expression failures', async () => {
    await expect(evaluateExpression('input.n +', context)).rejects.toThrow(/^expression failed: /);
  });
});

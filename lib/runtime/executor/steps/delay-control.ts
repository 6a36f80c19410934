/** control:delay: waits `ms` (bounded by the definition schema); an abort ends the wait early as a failure. */
import type { StepHandler } from './step-handler';

export const delayControl: StepHandler<'control:delay'> = (node, context) =>
  new Promise((resolve, reject) => {
    if (context.signal.aborted) return reject(new Error('delay aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('delay aborted'));
    };
    const timer = setTimeout(() => {
      context.signal.removeEventListener('abort', onAbort);
      resolve({ delayedMs: node.config.ms });
    }, node.config.ms);
    context.signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Redis client spans only under a recording (sampled) parent.
 *
 * The ioredis instrumentation skips a call without a parent span
 * (requireParentSpan), but under an unsampled request's non-recording span
 * it still does all its work (serialise the statement, bind callbacks to the
 * context, chain extra promises) for a child span that ParentBased sampling
 * drops anyway; the pg instrumentation, when we used it, cost ~16-20 µs of
 * CPU per pool.query that way (query-spans.ts replaced it). Here each
 * patched method first asks whether the active span is recording and
 * otherwise calls the unpatched method directly, so what is exported does
 * not change. Exported spans could only differ if a sampler
 * recorded a child of a non-recording parent; ParentBased never does.
 *
 * It interposes on the instrumentation's own `_wrap` (shimmer's wrap), so it
 * must be applied before the instrumented module is required, i.e. right
 * after constructing the instrumentation in the preload, as tracing-sdk does.
 */
import { trace } from './otel-api';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Wrapper = (original: AnyFunction, name: string) => AnyFunction;
type Wrap = (nodule: object, name: string, wrapper: Wrapper) => unknown;

/** Makes `methods` of what `instrumentation` patches bypass the patch unless the active span is recording. */
export function underRecordingSpanOnly<I extends InstrumentationBase>(instrumentation: I, methods: readonly string[]): I {
  // `_wrap` is protected: the documented way an instrumentation patches a module.
  const target = instrumentation as unknown as { _wrap: Wrap };
  const wrap = target._wrap;
  if (typeof wrap !== 'function') throw new Error(`${instrumentation.instrumentationName} has no _wrap to interpose on`);
  target._wrap = (nodule, name, wrapper) =>
    wrap(nodule, name, (original, fieldName) => {
      const patched = wrapper(original, fieldName);
      if (!methods.includes(name) || typeof original !== 'function' || typeof patched !== 'function') return patched;
      return function whenRecording(this: unknown, ...args: unknown[]) {
        return trace.getActiveSpan()?.isRecording() ? patched.apply(this, args) : original.apply(this, args);
      };
    });
  return instrumentation;
}

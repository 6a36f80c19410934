/**
 * Which part of the observability stack a sampled call stack belongs to, for
 * the profile suite: `perf record -g` samples of a service started with
 * `--perf-basic-prof` (JavaScript frames named `JS:*name file:line:col`), as
 * `perf script -F ip,sym` prints them (a frame per line, leaf first, a blank
 * line between samples).
 *
 * A sample is charged to the innermost JavaScript frame, by that frame's
 * file: native frames under it (V8 builtins, the runtime, the kernel doing a
 * write the frame asked for) are its work, and so are Node's own library
 * frames (`node:…`, e.g. a Buffer write or `performance.now`) unless they
 * name a part themselves (http2, AsyncLocalStorage). Only the innermost
 * other frame decides, because our request hook runs the rest of the request
 * inside `context.with`: charging a sample to any tracing frame on the stack
 * would charge the whole request to tracing. Garbage collection is its own
 * part, wherever it ran (V8's helper threads or the allocating frame's
 * thread), since what made the garbage is not on the stack. Samples without
 * a JavaScript frame (the event loop, the kernel's network stack) are
 * `other`, and so is work our code asks of Fastify or pg (a getter, a hook
 * chain): each part is a lower bound of what its layer costs.
 */

/** The parts a sample can be charged to, in the order tables print them. */
export const PARTS = ['metrics', 'tracing context', 'spans', 'span export', 'sentry', 'gc', 'other'] as const;
export type Part = (typeof PARTS)[number];

/** By the innermost JavaScript frame's text (function and file), first match wins. */
const JS_PARTS: readonly (readonly [Part, RegExp])[] = [
  ['metrics', /\/runtime\/metrics\/|\/prom-client\/|\/api\/plugins\/http-metrics\./],
  ['sentry', /\/@sentry\//],
  // The batch processor's flush, the OTLP serialiser and the gRPC transport it writes to (http2 is only gRPC's here).
  ['span export', /BatchSpanProcessor|\/@opentelemetry\/(?:otlp-|exporter-)|\/@grpc\/|node:internal\/http2|node:http2/],
  // The SDK's spans: start (tracer, sampler, ids), attributes, end, the processors' onEnding/onEnd.
  ['spans', /\/@opentelemetry\/sdk-trace|\/runtime\/tracing\/span-scrubbing-processor\./],
  // Ours and the API's: the request hook, root sampling, the lean context, query wrapper, context manager.
  ['tracing context', /\/runtime\/tracing\/|\/@opentelemetry\/|node:internal\/async_local_storage\//],
];

/** Native frames that are metrics' own: the default metrics' event-loop-delay timer. */
const NATIVE_METRICS = /node::IntervalHistogram::/;

/** V8's collectors, on the main thread or its helper threads. */
const GC = /v8::internal::(?:Heap::|Scavenger|ScavengerCollector|MinorMarkSweep|MarkCompactCollector|ConcurrentMarking|IncrementalMarking|MarkingVisitor|MainMarkingVisitor|ConcurrentMarkingVisitor|Sweeper|GCTracer|MemoryAllocator|ArrayBufferSweeper|EvacuateVisitor|Evacuator|PointersUpdating|LocalHeap::CollectGarbage)/;

/** JavaScript frames as Node's perf map names them (`JS:` since Node 22; `LazyCompile:`/`Function:` before). */
const JS_FRAME = /^(?:JS|LazyCompile|Function|InterpretedFunction|Script):/;

/** A frame of Node's own JavaScript library: its caller decides. */
const NODE_LIBRARY = / node:/;

/** The part one sample's stack (leaf first, one symbol per frame) is charged to. */
export function partOf(frames: readonly string[]): Part {
  for (const frame of frames) {
    if (GC.test(frame)) return 'gc';
    if (NATIVE_METRICS.test(frame)) return 'metrics';
    if (!JS_FRAME.test(frame)) continue;
    const part = JS_PARTS.find(([, pattern]) => pattern.test(frame))?.[0];
    if (part !== undefined) return part;
    if (!NODE_LIBRARY.test(frame)) return 'other';
  }
  return 'other';
}

/** The stacks in `perf script -F ip,sym` output: one array of symbols per sample, leaf first. */
export function stacksOf(script: string): string[][] {
  const stacks: string[][] = [];
  for (const block of script.split(/\n\s*\n/)) {
    const frames = block
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      // "7f085a2bc476 JS:*'Readable.on node:…": the address, then the symbol (which may contain spaces).
      .map((line) => line.replace(/^[0-9a-f]+\s+/, ''));
    if (frames.length > 0) stacks.push(frames);
  }
  return stacks;
}

/** Samples per part. */
export function attribute(stacks: readonly (readonly string[])[]): Record<Part, number> {
  const counts = Object.fromEntries(PARTS.map((part) => [part, 0])) as Record<Part, number>;
  for (const stack of stacks) counts[partOf(stack)]++;
  return counts;
}

/** A measurement's CPU µs per request and its parts' µs (as the profile suite records them). */
export type PartFigures = Readonly<Record<Part | 'cpuMicrosPerReq', number>>;

/** The share of a measurement's CPU that went to the observability parts (everything but `other`). */
function observedShare(figures: PartFigures): number {
  return PARTS.reduce((sum, part) => (part === 'other' ? sum : sum + figures[part]), 0) / figures.cpuMicrosPerReq;
}

/**
 * What a variant's observability code adds to a request, relative to the rest
 * of it, per round: its parts' share of its own CPU minus the baseline's
 * share in the same round (x), as x / (1 − x). A share within one process
 * does not move with the host the way µs do (a slow round stretches every
 * part alike), so this is the steady form of "own code costs N% of a request".
 * It is a lower bound: work our code causes in other frames (Fastify running
 * our hooks, a slower rest of the request) is `other`.
 */
export function addedShares(variant: readonly PartFigures[], baseline: readonly PartFigures[]): number[] {
  if (variant.length !== baseline.length) throw new Error(`rounds differ: ${variant.length} against ${baseline.length}`);
  return variant.map((figures, round) => {
    const added = observedShare(figures) - observedShare(baseline[round]!);
    return added / (1 - added);
  });
}

import { addedShares, attribute, PARTS, type PartFigures, partOf, stacksOf } from '../../bench/stack-attribution';

// Stacks as `perf script -F ip,sym` printed them for the API on Node 24 (trimmed below the event loop).
const EXPORT_UNDER_REQUEST_HOOK = `
\tffffffff8225fd19 pvm_irq_enable
\tffffffff822601e6 exc_page_fault
\t          abb58f v8::internal::FactoryBase<v8::internal::Factory>::NewRawOneByteString
\t          fed41c v8::internal::Runtime_StringCharCodeAt
\t    7f085a2b7b46 JS:*'writeString /work/main/node_modules/@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-size-estimator.js:75:16
\t    7f085a37b44c JS:*'serializeSpan /work/main/node_modules/@opentelemetry/otlp-transformer/build/src/trace/protobuf/trace-serializer.js:129:23
\t    7f085a37ea32 JS:*'run node:internal/async_local_storage/async_context_frame:58:6
\t    7f085a2f3e0b JS:*'with /work/main/node_modules/@opentelemetry/context-async-hooks/build/src/AsyncLocalStorageContextManager.js:43:9
\t    7f085a3504c0 JS:^_flushOneBatch /work/main/node_modules/@opentelemetry/sdk-trace/build/src/export/BatchSpanProcessorBase.js:119:19
\t    7f085a3828d8 JS:*'end /work/main/node_modules/@opentelemetry/sdk-trace/build/src/Span.js:247:8
\t    7f085a2c8c42 JS:+ /work/main/build/lib/runtime/tracing/request-spans.js:79:37
\t    7f085a2a2f2a JS:+wrapper node:events:635:19
\t          162278a uv__io_poll
\t          160cbb7 uv_run
`;

const SCAVENGE = `
\tffffffff8225fd19 pvm_irq_enable
\t           87ebf pthread_cond_signal@@GLIBC_2.3.2
\t          be6878 v8::internal::ScavengerCollector::CollectGarbage
\t          b0b92b v8::internal::Heap::Scavenge
\t          b90ad1 v8::internal::MinorGCJob::Task::RunInternal
\t         160b983 uv__async_io
\t         160cbb7 uv_run
`;

const BUFFER_UNDER_ROOT_SAMPLING = `
\t          6f54a8 node::StringBytes::Encode
\t         163608d Builtins_CallApiCallbackGeneric
\t    7f085a0bf764 JS:*'toString node:buffer:918:46
\t    7f085a2a68e6 JS:*'unsampledRootSpan /work/main/build/lib/runtime/tracing/root-sampling.js:37:27
\t    7f085a2fe542 JS:*' /work/main/build/lib/runtime/tracing/request-spans.js:65:30
\t    7f085a2ad4cb JS:*'hookIterator /work/main/node_modules/fastify/lib/hooks.js:410:23
\t    7f085a185134 JS:^parserOnIncoming node:_http_server:1167:26
\t         162278a uv__io_poll
`;

/** Frames, leaf first, without addresses. */
function frames(...symbols: string[]): string[] {
  return symbols;
}

describe('partOf', () => {
  it('charges a sample to the innermost JavaScript frame, not to a tracing frame further out', () => {
    // The route's query runs inside the request hook's context.with: it is the request's own work.
    const query = frames(
      'Builtins_LoadIC',
      "JS:*'_pulseQueryQueue /work/main/node_modules/pg/lib/client.js:616:19",
      "JS:*'with /work/main/node_modules/@opentelemetry/context-async-hooks/build/src/AsyncLocalStorageContextManager.js:43:9",
      "JS:*' /work/main/build/lib/runtime/tracing/request-spans.js:65:30",
    );
    expect(partOf(query)).toBe('other');
    expect(partOf(stacksOf(EXPORT_UNDER_REQUEST_HOOK)[0]!)).toBe('span export');
  });

  it('passes over Node’s own library frames to the caller, unless they name a part', () => {
    expect(partOf(stacksOf(BUFFER_UNDER_ROOT_SAMPLING)[0]!)).toBe('tracing context');
    expect(partOf(frames("JS:*'now node:internal/perf/utils:12:5", "JS:*'_getTime /work/main/node_modules/@opentelemetry/sdk-trace/build/src/Span.js:272:13"))).toBe('spans');
    expect(partOf(frames("JS:*'writeGeneric node:internal/http2/core:2100:3", "JS:*'emit node:events:489:44"))).toBe('span export');
    expect(partOf(frames("JS:*'run node:internal/async_local_storage/async_context_frame:58:6", "JS:*'emit node:events:489:44"))).toBe('tracing context');
    // Only Node's frames: the event loop's own work.
    expect(partOf(frames("JS:*'processTicksAndRejections node:internal/process/task_queues:72:35", 'uv_run'))).toBe('other');
  });

  it('names each part by its code', () => {
    expect(partOf(frames("JS:*'record /work/main/build/lib/runtime/metrics/http-metrics.js:23:11"))).toBe('metrics');
    expect(partOf(frames("JS:*' /work/main/build/lib/runtime/api/plugins/http-metrics.js:7:31"))).toBe('metrics');
    expect(partOf(frames("JS:*'observe /work/main/node_modules/prom-client/lib/histogram.js:80:9"))).toBe('metrics');
    // The default metrics' event-loop-delay timer is native.
    expect(partOf(frames('node::IntervalHistogram::TimerCB', 'uv_run'))).toBe('metrics');
    expect(partOf(frames("JS:*'startSpan /work/main/node_modules/@opentelemetry/sdk-trace/build/src/Tracer.js:42:14"))).toBe('spans');
    expect(partOf(frames("JS:*'onEnding /work/main/build/lib/runtime/tracing/span-scrubbing-processor.js:12:13"))).toBe('spans');
    expect(partOf(frames("JS:*'traced /work/main/build/lib/runtime/tracing/query-spans.js:83:29"))).toBe('tracing context');
    expect(partOf(frames("JS:*'getActiveSpan /work/main/node_modules/@opentelemetry/api/build/src/trace/context-utils.js:27:23"))).toBe('tracing context');
    expect(partOf(frames("JS:^sendUnaryData /work/main/node_modules/@grpc/grpc-js/build/src/client.js:200:5"))).toBe('span export');
    expect(partOf(frames("JS:*'captureException /work/main/node_modules/@sentry/core/build/cjs/exports.js:20:1"))).toBe('sentry');
    // Node before 22 named JavaScript frames LazyCompile.
    expect(partOf(frames('LazyCompile:*record /work/main/build/lib/runtime/metrics/http-metrics.js:23'))).toBe('metrics');
  });

  it('makes garbage collection its own part wherever it ran, and leaves frames without JavaScript to other', () => {
    expect(partOf(stacksOf(SCAVENGE)[0]!)).toBe('gc');
    expect(partOf(frames('v8::internal::ConcurrentMarking::RunMajor', 'start_thread'))).toBe('gc');
    // A scavenge that an allocation in the serialiser triggered is still GC.
    expect(partOf(frames('v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>', "JS:*'serializeSpan /x/otlp-transformer/a.js:1:1"))).toBe('gc');
    expect(partOf(frames('pvm_irq_enable', 'do_epoll_wait', 'epoll_pwait', 'uv__io_poll', 'uv_run'))).toBe('other');
    expect(partOf([])).toBe('other');
  });
});

describe('stacksOf and attribute', () => {
  it('splits perf script output into one stack per sample, without addresses, and counts samples per part', () => {
    const stacks = stacksOf(`${EXPORT_UNDER_REQUEST_HOOK}\n${SCAVENGE}\n\n${BUFFER_UNDER_ROOT_SAMPLING}\n`);
    expect(stacks).toHaveLength(3);
    expect(stacks[1]![2]).toBe('v8::internal::ScavengerCollector::CollectGarbage');
    // Symbols keep their spaces.
    expect(stacks[0]![4]).toBe("JS:*'writeString /work/main/node_modules/@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-size-estimator.js:75:16");
    const counts = attribute(stacks);
    expect(Object.keys(counts)).toEqual([...PARTS]);
    expect(counts).toEqual({ metrics: 0, 'tracing context': 1, spans: 0, 'span export': 1, sentry: 0, gc: 1, other: 0 });
  });
});

describe('addedShares', () => {
  const off: PartFigures = { cpuMicrosPerReq: 100, metrics: 0, 'tracing context': 0.5, spans: 0, 'span export': 0, sentry: 0, gc: 2, other: 97.5 };
  const full: PartFigures = { cpuMicrosPerReq: 110, metrics: 1.1, 'tracing context': 5.5, spans: 3.3, 'span export': 1.1, sentry: 0, gc: 2.2, other: 96.8 };
  /** The same measurement on a host twice as slow: every µs doubled. */
  const slower = (figures: PartFigures): PartFigures => Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v * 2])) as PartFigures;

  it('is the parts’ share beyond the baseline’s in the same round, relative to the rest, whatever the host’s speed', () => {
    // full: 13.2 of 110 µs observed (12%), off: 2.5 of 100 (2.5%): 9.5% added, 9.5 / 90.5 of the rest.
    const [quick, slow, mixed] = addedShares([full, slower(full), slower(full)], [off, slower(off), off]);
    expect(quick).toBeCloseTo(0.095 / 0.905, 10);
    expect(slow).toBeCloseTo(quick!, 10);
    // A slow variant round against a quick baseline round: shares do not care, µs would (220 against 100).
    expect(mixed).toBeCloseTo(quick!, 10);
    expect(addedShares([off], [off])).toEqual([0]);
  });

  it('refuses rounds that do not pair', () => {
    expect(() => addedShares([full, full], [off])).toThrow('rounds differ: 2 against 1');
  });
});

/**
 * The tracer our own code's spans come from (the API's request spans, the
 * query spans, withSpan): sampled spans it starts itself (recorded-span.ts),
 * everything else it leaves to the SDK's tracer of the same scope.
 *
 * It starts a span itself only where the services' sampler
 * (ParentBased(CallerDecided(TraceIdRatio)), caller-decided-sampler.ts) has
 * one answer, "record and sample", with nothing added: under a local parent
 * that is recording and sampled, and for a root under SAMPLED_ROOT (decided
 * by the caller, root-sampling.ts). A remote or unsampled parent, another
 * root, suppressed tracing, links or a start time given at the start go to
 * the SDK, which samples and builds those spans as before.
 *
 * Why: the SDK's Tracer and SpanImpl do per span what buys nothing here
 * (sampler calls whose answer is known, span metrics into a meter nobody
 * reads, two regular expressions on the parent's ids, the performance clock
 * read through getters). A sampled API request's two spans, started, ended,
 * scrubbed and batched in a loop, counted 33.9k instructions with the SDK's
 * tracer and 10.4k with this one; in the API a sampled request cost 27.8k
 * fewer (callgrind, Node 24, main thread; docs/performance.md). Same resource, same
 * instrumentation scope object and the same processors as the SDK's spans,
 * so both export together and are scrubbed alike.
 */
import type { Context, ProxyTracerProvider, Span, SpanContext, SpanOptions, TextMapPropagator, Tracer, TracerProvider } from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { NodeTracerProvider, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { QUERY_SPANS_SCOPE } from './query-spans';
import { context as otelContext, SpanKind, TraceFlags, trace } from './otel-api';
import { RandomTraceIds } from './random-trace-ids';
import { RecordedSpan, type SpanOrigin } from './recorded-span';
import { REQUEST_SPANS_SCOPE } from './request-spans';
import { SAMPLED_ROOT_KEY } from './root-sampling';
import { OWN_SPANS_SCOPE } from './spans';

// Read once: core's exports are getters on a dictionary-mode object (otel-api.ts).
const { isTracingSuppressed, sanitizeAttributes } = core;

/** The instrumentation scopes whose spans our own code starts: only these get an OwnTracer. */
export const OWN_SCOPES: ReadonlySet<string> = new Set([REQUEST_SPANS_SCOPE, QUERY_SPANS_SCOPE, OWN_SPANS_SCOPE]);

/** Ids for recorded spans: a new trace's pair, or a child's span id (the pair's trace id then unused). */
const spanIds = new RandomTraceIds();

/** The SDK tracer of one instrumentation scope (its public instrumentationScope is what the SDK's spans carry). */
type SdkTracer = Tracer & { readonly instrumentationScope: SpanOrigin['instrumentationScope'] };

export class OwnTracer implements Tracer {
  private readonly origin: SpanOrigin;

  constructor(
    private readonly sdk: SdkTracer,
    resource: Resource,
    processors: readonly SpanProcessor[],
  ) {
    this.origin = { resource, instrumentationScope: sdk.instrumentationScope, processors };
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = otelContext.active()): Span {
    if (options.root || options.startTime !== undefined || (options.links !== undefined && options.links.length > 0) || isTracingSuppressed(context)) {
      return this.sdk.startSpan(name, options, context);
    }
    const parent = trace.getSpan(context);
    let span: RecordedSpan;
    if (parent === undefined) {
      if (context.getValue(SAMPLED_ROOT_KEY) !== true) return this.sdk.startSpan(name, options, context);
      const ids = spanIds.draw();
      span = new RecordedSpan(this.origin, { traceId: ids.traceId, spanId: ids.spanId, traceFlags: TraceFlags.SAMPLED }, name, options.kind ?? SpanKind.INTERNAL, undefined);
    } else {
      const parentContext = parent.spanContext();
      if (!isSampledLocalParent(parent, parentContext)) return this.sdk.startSpan(name, options, context);
      const own: SpanContext = { traceId: parentContext.traceId, spanId: spanIds.draw().spanId, traceFlags: TraceFlags.SAMPLED, traceState: parentContext.traceState };
      span = new RecordedSpan(this.origin, own, name, options.kind ?? SpanKind.INTERNAL, parentContext);
    }
    if (options.attributes !== undefined) span.setAttributes(sanitizeAttributes(options.attributes));
    for (const processor of this.origin.processors) processor.onStart(span, context);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parentContext = rest.length > 2 ? (rest[1] as Context) : otelContext.active();
    const span = this.startSpan(name, options, parentContext);
    return otelContext.with(trace.setSpan(parentContext, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/**
 * Whether ParentBased sends `parent` to its local-sampled branch (AlwaysOn):
 * a span of this process that records and is sampled. Its ids are valid: the
 * SDK's recording spans and ours are built with valid ids.
 */
function isSampledLocalParent(parent: Span, context: SpanContext): boolean {
  return parent.isRecording() && (context.traceFlags & TraceFlags.SAMPLED) !== 0 && context.isRemote !== true;
}

/**
 * The tracer provider the services register globally: OwnTracers for
 * OWN_SCOPES, the SDK provider's tracers for every other scope (the
 * ioredis and undici instrumentations are given the SDK provider itself).
 * `resource` and `processors` must be the ones the SDK provider was built
 * with, in its order.
 */
export class OwnSpansTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, Tracer>();

  constructor(
    private readonly sdk: TracerProvider,
    private readonly resource: Resource,
    private readonly processors: readonly SpanProcessor[],
  ) {}

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    // Keyed as the SDK keys its tracers, so each scope keeps one scope object (spans are grouped by it on export).
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      const sdkTracer = this.sdk.getTracer(name, version, options);
      tracer = OWN_SCOPES.has(name) ? new OwnTracer(sdkTracer as SdkTracer, this.resource, this.processors) : sdkTracer;
      this.tracers.set(key, tracer);
    }
    return tracer;
  }
}

/**
 * Registers `provider` globally as NodeTracerProvider.register does (context
 * manager, `propagator`), with OwnSpansTracerProvider in front of it for
 * OWN_SCOPES. `resource` and `processors`: what `provider` was built with.
 */
export function registerWithOwnSpans(provider: NodeTracerProvider, settings: { readonly propagator?: TextMapPropagator; readonly resource: Resource; readonly processors: readonly SpanProcessor[] }): void {
  provider.register(settings.propagator === undefined ? {} : { propagator: settings.propagator });
  // register() made `provider` the global proxy's delegate (unless another provider was registered first: the API
  // keeps the first); the proxy hands out whatever its delegate gives.
  const global = trace.getTracerProvider() as ProxyTracerProvider;
  if (global.getDelegate() !== provider) throw new Error('tracing: another OpenTelemetry tracer provider is already registered globally; start tracing once per process');
  global.setDelegate(new OwnSpansTracerProvider(provider, settings.resource, settings.processors));
}

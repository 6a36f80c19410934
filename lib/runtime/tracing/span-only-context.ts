/**
 * A Context that holds at most the active span: what a request or a job
 * runs in, unless its caller sent baggage. The API's own contexts
 * (BaseContext, ROOT_CONTEXT.setValue) copy a Map and create three closures
 * per context, and make every lookup a call to a per-instance closure; on
 * Node 24 that cost about 10k instructions per API request (callgrind,
 * main thread, tracing at 0%: 316k to 306k; docs/performance.md), a third of
 * what tracing added to an unsampled request.
 *
 * Setting the span again (trace.setSpan: a child span made active) gives
 * another SpanOnlyContext; setting anything else gives an ordinary context
 * with the span and the new value, so nothing is lost.
 *
 * The span key is `Symbol.for('OpenTelemetry Context Key SPAN')`: the API
 * creates its keys with Symbol.for so that copies of the API in one process
 * share them. span-only-context.test.ts pins that trace.getSpan finds the
 * span here.
 */
import type { Context, Span } from '@opentelemetry/api';
import { ROOT_CONTEXT } from './otel-api';

const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

class SpanOnlyContext implements Context {
  constructor(private readonly span: Span | undefined) {}

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    if (key === SPAN_KEY) return new SpanOnlyContext(value as Span | undefined);
    const ordinary = this.span === undefined ? ROOT_CONTEXT : ROOT_CONTEXT.setValue(SPAN_KEY, this.span);
    return ordinary.setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return key === SPAN_KEY ? LEAN_ROOT_CONTEXT : this;
  }
}

/**
 * An empty context to start a request's or a job's context from (instead of
 * ROOT_CONTEXT): trace.setSpan and the W3C trace-context propagator's
 * extract keep it lean; baggage or any other value makes it an ordinary one.
 */
export const LEAN_ROOT_CONTEXT: Context = new SpanOnlyContext(undefined);

/**
 * The OpenTelemetry API's values, read once, for the code that runs on every
 * request, query, log line and span.
 *
 * The API's entry point exports them the way TypeScript compiles
 * re-exports: a getter per name, on an exports object with so many of them
 * that V8 keeps it in dictionary mode (`%HasFastProperties` is false for
 * @opentelemetry/api and @opentelemetry/core). So every `trace.…`,
 * `context.…` or `SpanKind.…` in our compiled code looked the name up in a
 * hash table and called a getter, which V8's optimising compiler does not
 * fold away (callgrind, Node 24: `Builtins_LoadIC` from our optimised
 * functions; docs/performance.md). This module's exports are plain
 * properties of a small object, which it does fold.
 *
 * The same objects as the API's, not copies: a provider, context manager or
 * propagator registered later is still found through them.
 */
import * as api from '@opentelemetry/api';

export const { trace, context, propagation, diag, ROOT_CONTEXT, createContextKey, SpanKind, SpanStatusCode, TraceFlags } = api;
// The enums are types too.
export type SpanKind = api.SpanKind;
export type SpanStatusCode = api.SpanStatusCode;
export type TraceFlags = api.TraceFlags;

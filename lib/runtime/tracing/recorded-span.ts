/**
 * A sampled span started by own-tracer.ts: the OpenTelemetry API's Span and
 * the SDK's ReadableSpan in one object, handed to the same span processors
 * (scrubbing, then batching and export) as the SDK's own spans.
 *
 * It behaves as the SDK's SpanImpl does with the services' settings (the
 * default span limits: 128 attributes, events and links, values never
 * truncated; times taken the same way), without the per-span work that
 * buys nothing here: the SDK's span metrics into a meter nobody reads, an
 * Error built for every late call, the performance clock read through a
 * getter. own-tracer.test.ts runs the same calls on both and compares what
 * they export.
 */
import type { Attributes, AttributeValue, Exception, HrTime, Link, Span, SpanContext, SpanStatus, TimeInput } from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-node';
import { diag, type SpanKind, SpanStatusCode } from './otel-api';

// Read once: core's exports and the global `performance` are getters (otel-api.ts).
const { addHrTimes, hrTimeDuration, isAttributeValue, isTimeInput, isTimeInputHrTime, millisToHrTime, sanitizeAttributes } = core;
const clock = performance;

/** The SDK's default span limits, which the services keep (tracing-sdk.ts sets none). */
export const SPAN_LIMIT = 128;

/** What every span of one tracer shares: where it belongs and who processes it. */
export interface SpanOrigin {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  /** In the provider's order: each one's onEnding, then each one's onEnd, as the SDK calls them. */
  readonly processors: readonly SpanProcessor[];
}

export class RecordedSpan implements Span, ReadableSpan {
  attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  private attributeCount = 0;
  /** clock.now() at the start: later times are the start plus the monotonic time since, as the SDK takes them. */
  private readonly performanceStart: number;

  constructor(
    private readonly origin: SpanOrigin,
    private readonly context: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanContext: SpanContext | undefined,
  ) {
    // Wall-clock milliseconds for the start (as the SDK), the monotonic clock for everything after it.
    this.startTime = millisToHrTime(Date.now());
    this.performanceStart = clock.now();
    this.resource = origin.resource;
    this.instrumentationScope = origin.instrumentationScope;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value == null || this.isEnded()) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    const isNewKey = !Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (isNewKey && this.attributeCount >= SPAN_LIMIT) {
      this.droppedAttributesCount++;
      return this;
    }
    this.attributes[key] = value;
    if (isNewKey) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    const count = this.attributeCount === 0 && !this.ended ? copyableCount(attributes) : -1;
    if (count >= 0) {
      // A span's first attributes (the request's three, a query's seven from its statement) copied in one go: a
      // spread of an object of a known shape is one clone, where storing each key into a fresh object is a
      // megamorphic store apiece.
      this.attributes = { ...attributes };
      this.attributeCount = count;
      return this;
    }
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (this.isEnded()) return this;
    if (this.events.length >= SPAN_LIMIT) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes: Attributes | undefined;
    let time = startTime;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(time)) time = attributesOrStartTime;
    } else {
      attributes = attributesOrStartTime;
    }
    const [kept, dropped] = limited(sanitizeAttributes(attributes));
    this.events.push({ name, attributes: kept, time: this.timeOf(time), droppedAttributesCount: dropped });
    return this;
  }

  addLink(link: Link): this {
    if (this.isEnded()) return this;
    if (this.links.length >= SPAN_LIMIT) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    const [attributes, dropped] = limited(sanitizeAttributes(link.attributes));
    const kept: { context: SpanContext; attributes?: Attributes; droppedAttributesCount?: number } = { context: link.context };
    if (Object.keys(attributes).length > 0) kept.attributes = attributes;
    if (dropped > 0) kept.droppedAttributesCount = dropped;
    this.links.push(kept);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** UNSET changes nothing and OK is final, as in the SDK; a message is kept for ERROR only. */
  setStatus(status: SpanStatus): this {
    if (this.isEnded() || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR && typeof status.message === 'string') next.message = status.message;
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (!this.isEnded()) this.name = name;
    return this;
  }

  /** The SDK's `exception` event: the type (code, else name), the message and the stack, when there is a type or a message. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`);
      return;
    }
    this.endTime = this.timeOf(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = [this.startTime[0], this.startTime[1]];
      this.duration = [0, 0];
    }
    const processors = this.origin.processors;
    for (const processor of processors) processor.onEnding?.(this);
    this.ended = true;
    for (const processor of processors) processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  private isEnded(): boolean {
    if (this.ended) diag.warn(`Cannot execute the operation on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`);
    return this.ended;
  }

  /** A time given to the API (performance or epoch milliseconds, Date, HrTime), or now. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number') {
      // At most performance.now(): a performance timestamp, placed on the wall clock the way the start was.
      return input <= clock.now() ? addHrTimes(this.startTime, millisToHrTime(input - this.performanceStart)) : millisToHrTime(input);
    }
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    return addHrTimes(this.startTime, millisToHrTime(clock.now() - this.performanceStart));
  }
}

/**
 * How many keys `attributes` has when setting them one by one would store
 * every one as it is (no key empty, no value missing or invalid, at most
 * SPAN_LIMIT, nothing inherited that for-in would see and a spread would
 * not); -1 otherwise.
 */
function copyableCount(attributes: Attributes): number {
  let count = 0;
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) return -1;
    const value = attributes[key];
    if (key.length === 0 || value == null || !isAttributeValue(value) || ++count > SPAN_LIMIT) return -1;
  }
  return count;
}

/** At most SPAN_LIMIT attributes, and how many were left out. */
function limited(attributes: Attributes): [Attributes, number] {
  const kept: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    if (count >= SPAN_LIMIT) dropped++;
    else {
      kept[key] = attributes[key];
      count++;
    }
  }
  return [kept, dropped];
}

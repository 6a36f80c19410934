/**
 * The OTLP/protobuf ExportTraceServiceRequest for a batch of spans, written
 * in one pass: byte for byte what @opentelemetry/otlp-transformer's
 * ProtobufTraceSerializer writes (otlp-span-serializer.test.ts compares them),
 * at about half its instructions in the running API.
 *
 * Upstream walks every batch twice (once to estimate its size, once to write
 * it), scans every string before copying it character by character, and
 * allocates an array per id. Counted warm inside the API (callgrind, 50,000
 * uncounted requests, then 5,000 counted, every request sampled), that was
 * about 88k instructions per request for its two spans, the largest part of
 * what a sampled request costs; with this writer the same request counts
 * about 329k instead of 376k (docs/performance.md).
 *
 * Messages are length-delimited, so each one reserves a byte for its length
 * and moves its bytes along when the length needs more (as upstream does).
 */
import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ISerializer, IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-node';

/**
 * Node's native string writers, which Buffer#write dispatches to after
 * checking its arguments and encoding name (about 1,700 instructions per
 * call, more than copying most strings in JavaScript); called directly
 * they cost about 600 (undocumented, but there since Node's early versions;
 * protobufjs's writer calls utf8Write the same way). They take any
 * Uint8Array as `this`, and return the bytes written.
 */
const { utf8Write, hexWrite } = Buffer.prototype as unknown as {
  readonly utf8Write: (this: Uint8Array, text: string, offset: number, length: number) => number;
  readonly hexWrite: (this: Uint8Array, hex: string, offset: number, length: number) => number;
};

/** From this many UTF-16 units, a string is written natively rather than in the copying loop. */
const NATIVE_STRING_LENGTH = 16;

// Span flags (trace flags, and whether the parent is remote), as upstream's buildSpanFlags.
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

const LENGTH_DELIMITED = 2;

/** Writes `value` (0 to 2^32 - 1) as a varint at `pos`; returns the position after it. */
function writeUint32Varint(bytes: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v > 0x7f) {
    bytes[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  bytes[pos++] = v;
  return pos;
}

class ProtobufBuffer {
  bytes: Uint8Array;
  pos = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  ensure(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + more) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A varint; negative and above-32-bit numbers as 64-bit two's complement, as upstream writes int64 values. */
  varint(value: number): void {
    this.ensure(10);
    const bytes = this.bytes;
    let pos = this.pos;
    if (value >= 0 && value <= 0xffffffff) {
      pos = writeUint32Varint(bytes, pos, value >>> 0);
    } else {
      const magnitude = Math.abs(value);
      let low = magnitude >>> 0;
      let high = (magnitude / 0x100000000) >>> 0;
      if (value < 0) {
        low = ~low >>> 0;
        high = ~high >>> 0;
        low = (low + 1) >>> 0;
        if (low === 0) high = (high + 1) >>> 0;
      }
      while (high > 0 || low > 0x7f) {
        bytes[pos++] = (low & 0x7f) | 0x80;
        low = ((low >>> 7) | (high << 25)) >>> 0;
        high >>>= 7;
      }
      bytes[pos++] = low & 0x7f;
    }
    this.pos = pos;
  }

  /**
   * A string. Short ASCII ones (keys, most values) are copied in one loop;
   * longer ones are encoded natively. In the loop V8 dispatches on the
   * string's representation for every character (about 33 instructions per
   * character in the API), where a native write costs about 600
   * instructions per string, nearly whatever its length.
   */
  string(text: string): void {
    const length = text.length;
    if (length < NATIVE_STRING_LENGTH) {
      this.ensure(length + 1);
      const bytes = this.bytes;
      const start = this.pos;
      let pos = start + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        bytes[pos++] = code;
      }
      if (i === length) {
        bytes[start] = length;
        this.pos = pos;
        return;
      }
    }
    // At most three bytes per UTF-16 unit; `end` writes the length in front, moving the bytes if it needs more than one.
    const at = this.begin();
    this.ensure(length * 3);
    this.pos += utf8Write.call(this.bytes, text, this.pos, this.bytes.length - this.pos);
    this.end(at);
  }

  /** Bytes as they are (an encoding written before). */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
  }

  lengthDelimitedBytes(value: Uint8Array): void {
    this.varint(value.length);
    this.raw(value);
  }

  /** A hex id (trace or span id) as its bytes, decoded natively (a loop costs about 60 instructions per byte). */
  hexId(hex: string): void {
    const length = hex.length >>> 1;
    this.ensure(length + 1);
    const bytes = this.bytes;
    const at = this.pos + 1;
    bytes[this.pos] = length;
    const written = hexWrite.call(bytes, hex, at, length);
    // Node stops at a character that is not hex; the SDK's ids never hold one, but the message stays well-formed if they do.
    if (written < length) bytes.fill(0, at + written, at + length);
    this.pos = at + length;
  }

  fixed32(value: number): void {
    this.ensure(4);
    const bytes = this.bytes;
    bytes[this.pos++] = value & 0xff;
    bytes[this.pos++] = (value >>> 8) & 0xff;
    bytes[this.pos++] = (value >>> 16) & 0xff;
    bytes[this.pos++] = (value >>> 24) & 0xff;
  }

  /** HrTime as fixed64 nanoseconds, split so no product leaves the safe-integer range. */
  time(time: HrTime): void {
    const [seconds, nanos] = time;
    const fromLow16 = (seconds & 0xffff) * 1e9;
    const fromHigh = ((seconds / 0x10000) >>> 0) * 1e9;
    const low = (fromLow16 >>> 0) + (((fromHigh & 0xffff) * 0x10000) >>> 0) + nanos;
    const high = Math.floor(fromLow16 / 0x100000000) + ((fromHigh / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
    this.fixed32(low >>> 0);
    this.fixed32(high >>> 0);
  }

  double(value: number): void {
    this.scratch.setFloat64(0, value, true);
    this.ensure(8);
    for (let i = 0; i < 8; i++) this.bytes[this.pos++] = this.scratch.getUint8(i);
  }

  /** Reserves one byte for a message's length; `end` fills it in. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.bytes[at] = length;
      return;
    }
    let size = 1;
    for (let v = length; v > 0x7f; v >>>= 7) size++;
    this.ensure(size - 1);
    this.bytes.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    writeUint32Varint(this.bytes, at, length);
  }
}

/** An AnyValue's fields; values of other types are written as an empty AnyValue, as upstream does. */
function writeAnyValue(out: ProtobufBuffer, value: unknown): void {
  if (typeof value === 'string') {
    out.tag(1, LENGTH_DELIMITED);
    out.string(value);
  } else if (typeof value === 'boolean') {
    out.tag(2, 0);
    out.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      out.tag(3, 0);
      out.varint(value);
    } else {
      out.tag(4, 1);
      out.double(value);
    }
  } else if (value instanceof Uint8Array) {
    out.tag(7, LENGTH_DELIMITED);
    out.lengthDelimitedBytes(value);
  } else if (Array.isArray(value)) {
    out.tag(5, LENGTH_DELIMITED);
    const array = out.begin();
    for (const item of value) {
      out.tag(1, LENGTH_DELIMITED);
      const itemAt = out.begin();
      writeAnyValue(out, item);
      out.end(itemAt);
    }
    out.end(array);
  } else if (typeof value === 'object' && value !== null) {
    out.tag(6, LENGTH_DELIMITED);
    const list = out.begin();
    writeKeyValues(out, value as Record<string, unknown>, 1);
    out.end(list);
  }
}

/** A KeyValue's encoded bytes (its length, then the message) for one key and the last value it was written with. */
interface EncodedKeyValue {
  value: unknown;
  bytes: Uint8Array;
  replaced: number;
}

/**
 * Most attributes repeat from span to span (the SQL text, the route, the
 * server address, the method), so a key's last string or number value is
 * kept with its encoding and copied when it comes again: about 9k fewer
 * instructions per sampled API request (callgrind, docs/performance.md).
 * Bounded: at most MAX_CACHED_KEYS keys of at most MAX_CACHED_BYTES each, and
 * a key whose value keeps changing (a path with ids in it) stops being
 * re-encoded into the cache after MAX_REPLACED misses.
 */
const ENCODED_KEY_VALUES = new Map<string, EncodedKeyValue>();
const MAX_CACHED_KEYS = 256;
const MAX_CACHED_BYTES = 1024;
const MAX_REPLACED = 16;

function remember(key: string, value: unknown, bytes: Uint8Array): void {
  if (bytes.length > MAX_CACHED_BYTES) return;
  const entry = ENCODED_KEY_VALUES.get(key);
  if (entry === undefined) {
    if (ENCODED_KEY_VALUES.size < MAX_CACHED_KEYS) ENCODED_KEY_VALUES.set(key, { value, bytes: bytes.slice(), replaced: 0 });
  } else if (entry.replaced < MAX_REPLACED) {
    entry.value = value;
    entry.bytes = bytes.slice();
    entry.replaced++;
  }
}

/** Own enumerable keys as repeated KeyValue in field `field`. */
function writeKeyValues(out: ProtobufBuffer, values: Attributes | Record<string, unknown>, field: number): void {
  for (const key in values) {
    if (!Object.prototype.hasOwnProperty.call(values, key)) continue;
    const value = (values as Record<string, unknown>)[key];
    const cacheable = typeof value === 'string' || typeof value === 'number';
    out.tag(field, LENGTH_DELIMITED);
    if (cacheable) {
      const entry = ENCODED_KEY_VALUES.get(key);
      if (entry !== undefined && entry.value === value) {
        out.raw(entry.bytes);
        continue;
      }
    }
    const start = out.pos;
    const keyValue = out.begin();
    out.tag(1, LENGTH_DELIMITED);
    out.string(key);
    out.tag(2, LENGTH_DELIMITED);
    const anyValue = out.begin();
    writeAnyValue(out, value);
    out.end(anyValue);
    out.end(keyValue);
    if (cacheable) remember(key, value, out.bytes.subarray(start, out.pos));
  }
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

function writeEvent(out: ProtobufBuffer, event: TimedEvent): void {
  const at = out.begin();
  out.tag(1, 1);
  out.time(event.time);
  out.tag(2, LENGTH_DELIMITED);
  out.string(event.name);
  if (event.attributes) writeKeyValues(out, event.attributes, 3);
  out.tag(4, 0);
  out.varint(event.droppedAttributesCount || 0);
  out.end(at);
}

/** Fields 1-3 of a Span and of a Link alike: trace id, span id and trace state. */
function writeIds(out: ProtobufBuffer, context: SpanContext): void {
  out.tag(1, LENGTH_DELIMITED);
  out.hexId(context.traceId);
  out.tag(2, LENGTH_DELIMITED);
  out.hexId(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    out.tag(3, LENGTH_DELIMITED);
    out.string(traceState);
  }
}

function writeLink(out: ProtobufBuffer, link: Link): void {
  const at = out.begin();
  const context: SpanContext = link.context;
  writeIds(out, context);
  if (link.attributes) writeKeyValues(out, link.attributes, 4);
  out.tag(5, 0);
  out.varint(link.droppedAttributesCount || 0);
  out.tag(6, 5);
  out.fixed32(spanFlags(context.traceFlags, context.isRemote));
  out.end(at);
}

function writeSpan(out: ProtobufBuffer, span: ReadableSpan): void {
  const at = out.begin();
  const context = span.spanContext();
  writeIds(out, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    out.tag(4, LENGTH_DELIMITED);
    out.hexId(parent.spanId);
  }
  out.tag(5, LENGTH_DELIMITED);
  out.string(span.name);
  // The API's SpanKind starts at INTERNAL = 0; the protocol's at UNSPECIFIED = 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    out.tag(6, 0);
    out.varint(kind);
  }
  out.tag(7, 1);
  out.time(span.startTime);
  out.tag(8, 1);
  out.time(span.endTime);
  if (span.attributes) writeKeyValues(out, span.attributes, 9);
  out.tag(10, 0);
  out.varint(span.droppedAttributesCount);
  for (const event of span.events) {
    out.tag(11, LENGTH_DELIMITED);
    writeEvent(out, event);
  }
  out.tag(12, 0);
  out.varint(span.droppedEventsCount);
  for (const link of span.links) {
    out.tag(13, LENGTH_DELIMITED);
    writeLink(out, link);
  }
  out.tag(14, 0);
  out.varint(span.droppedLinksCount);
  out.tag(15, LENGTH_DELIMITED);
  const status = out.begin();
  if (span.status.message) {
    out.tag(2, LENGTH_DELIMITED);
    out.string(span.status.message);
  }
  out.tag(3, 0);
  out.varint(span.status.code);
  out.end(status);
  out.tag(16, 5);
  out.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
  out.end(at);
}

type Scope = ReadableSpan['instrumentationScope'] & { readonly attributes?: Attributes; readonly droppedAttributesCount?: number };

function writeScope(out: ProtobufBuffer, scope: Scope): void {
  out.tag(1, LENGTH_DELIMITED);
  const at = out.begin();
  out.tag(1, LENGTH_DELIMITED);
  out.string(scope.name);
  if (scope.version) {
    out.tag(2, LENGTH_DELIMITED);
    out.string(scope.version);
  }
  if (scope.attributes) writeKeyValues(out, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    out.tag(4, 0);
    out.varint(scope.droppedAttributesCount);
  }
  out.end(at);
}

/** Spans grouped by resource, then instrumentation scope (by identity, as upstream groups them). */
function byResourceAndScope(spans: readonly ReadableSpan[]): Map<ReadableSpan['resource'], Map<Scope, ReadableSpan[]>> {
  const resources = new Map<ReadableSpan['resource'], Map<Scope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (scopes === undefined) resources.set(span.resource, (scopes = new Map()));
    let list = scopes.get(span.instrumentationScope);
    if (list === undefined) scopes.set(span.instrumentationScope, (list = []));
    list.push(span);
  }
  return resources;
}

/** The ExportTraceServiceRequest bytes for `spans`. */
export function serializeSpans(spans: readonly ReadableSpan[]): Uint8Array {
  const out = new ProtobufBuffer(Math.max(1024, spans.length * 512));
  for (const [resource, scopes] of byResourceAndScope(spans)) {
    out.tag(1, LENGTH_DELIMITED);
    const resourceSpans = out.begin();
    out.tag(1, LENGTH_DELIMITED);
    const resourceAt = out.begin();
    if (resource.attributes) writeKeyValues(out, resource.attributes, 1);
    out.tag(2, 0);
    out.varint(0);
    out.end(resourceAt);
    for (const [scope, list] of scopes) {
      out.tag(2, LENGTH_DELIMITED);
      const scopeSpans = out.begin();
      writeScope(out, scope);
      for (const span of list) {
        out.tag(2, LENGTH_DELIMITED);
        writeSpan(out, span);
      }
      if (scope.schemaUrl) {
        out.tag(3, LENGTH_DELIMITED);
        out.string(scope.schemaUrl);
      }
      out.end(scopeSpans);
    }
    if (resource.schemaUrl) {
      out.tag(3, LENGTH_DELIMITED);
      out.string(resource.schemaUrl);
    }
    out.end(resourceSpans);
  }
  return out.bytes.subarray(0, out.pos);
}

/** The exporter's serializer: requests written here, responses read by upstream's. */
export const SPAN_SERIALIZER: ISerializer<ReadableSpan[], IExportTraceServiceResponse> = {
  serializeRequest: serializeSpans,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

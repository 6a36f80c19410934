/**
 * Writes exposition text straight into a growing Buffer: the bytes the
 * metrics server sends, with no intermediate string. Building one string
 * from many small pieces made V8 create a rope of hundreds of thousands of
 * nodes that the final join and the UTF-8 encoding then walked; at 10k series
 * that walk was most of a scrape (docs/performance.md).
 *
 * A series' label text appears on every line of a histogram series: it is
 * encoded once (`repeated`) and then copied from the bytes already written.
 */
import { formatValue } from './exposition-text';

const DIGIT_ZERO = 0x30;

export class ExpositionWriter {
  private buffer: Buffer;
  private length = 0;
  private repeatStart = -1;
  private repeatEnd = -1;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(initialBytes, 1024));
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  /** Any text, UTF-8 encoded. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length);
  }

  /** Bytes prepared once, such as a metric's `\nname_bucket{le="0.5"` prefix. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** One ASCII character by its code. */
  byte(code: number): void {
    this.reserve(1);
    this.buffer[this.length++] = code;
  }

  /** A sample value, written exactly as formatValue() spells it; counts (non-negative integers) without a string in between. */
  value(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.text(formatValue(value));
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.reserve(digits);
    const buffer = this.buffer;
    let rest = value;
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      buffer[at] = DIGIT_ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += digits;
  }

  /** Forgets the text `repeated` remembers: call before each series. */
  forgetRepeated(): void {
    this.repeatStart = -1;
  }

  /** Writes `text` the first time after forgetRepeated(); afterwards copies the bytes written then (the caller passes the same text). */
  repeated(text: string): void {
    if (this.repeatStart < 0) {
      this.repeatStart = this.length;
      this.text(text);
      this.repeatEnd = this.length;
      return;
    }
    const size = this.repeatEnd - this.repeatStart;
    this.reserve(size);
    this.buffer.copyWithin(this.length, this.repeatStart, this.repeatEnd);
    this.length += size;
  }

  /** The bytes written (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  toString(): string {
    return this.buffer.toString('utf8', 0, this.length);
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** `text` as bytes, for the fixed pieces a metric writes on every line. */
export function encoded(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

export const ASCII = {
  newline: 0x0a,
  space: 0x20,
  comma: 0x2c,
  openBrace: 0x7b,
  closeBrace: 0x7d,
} as const;

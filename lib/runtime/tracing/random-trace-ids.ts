/**
 * Trace and span ids for the traces the API starts unsampled
 * (root-sampling.ts), drawn from the CSPRNG in batches: one randomFillSync
 * and one hex encoding per BATCH_SIZE pairs, each id then a slice of that
 * string. At LOG_LEVEL=info every unsampled request's line reads its ids;
 * drawn one pair at a time (six Math.random calls, two hex encodings) they
 * cost that line about 2.5k instructions more (callgrind, Node 24, main
 * thread; docs/performance.md). The CSPRNG had been ruled out at one call
 * per pair (about 4 µs a call here); one call per batch spreads that over
 * 256 requests.
 */
import { randomFillSync } from 'node:crypto';
import type { TraceIds } from './spans';

/** Pairs per batch: 6 KiB of random bytes, a 12 KiB hex string that the ids of its last live pair keep alive. */
export const BATCH_SIZE = 256;

const PAIR_BYTES = 24;
const PAIR_HEX = PAIR_BYTES * 2;

export class RandomTraceIds {
  private readonly bytes: Buffer;
  private hex = '';
  private next: number;

  /** `fill`: the random source, the CSPRNG unless a test gives another. */
  constructor(
    private readonly fill: (bytes: Buffer) => void = randomFillSync,
    private readonly batchSize: number = BATCH_SIZE,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    this.bytes = Buffer.alloc(batchSize * PAIR_BYTES);
    this.next = batchSize;
  }

  /** A new valid pair: 32 and 16 lower-case hex digits, neither all zeros. */
  draw(): TraceIds {
    for (;;) {
      if (this.next === this.batchSize) this.refill();
      const pair = this.next++;
      // All-zero ids are invalid (one chance in 2^64 per field): take the next pair. Checked on the bytes, which
      // stops at the first non-zero byte; comparing the hex slices with INVALID_TRACEID and INVALID_SPANID went
      // through V8's slow string comparison, about 500 instructions per pair (callgrind, Node 24).
      const at = PAIR_BYTES * pair;
      if (allZero(this.bytes, at, at + 16) || allZero(this.bytes, at + 16, at + PAIR_BYTES)) continue;
      const offset = PAIR_HEX * pair;
      return { traceId: this.hex.slice(offset, offset + 32), spanId: this.hex.slice(offset + 32, offset + PAIR_HEX) };
    }
  }

  private refill(): void {
    this.fill(this.bytes);
    this.hex = this.bytes.toString('hex');
    this.next = 0;
  }
}

function allZero(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * An error storm cannot exhaust the Sentry quota: at most `perMinute` events
 * per fingerprint in any fixed one-minute window; the rest are dropped here
 * and counted so the first event after the window says how many were.
 */
export class FingerprintRateLimiter {
  private readonly windows = new Map<string, { start: number; sent: number; dropped: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether an event of this fingerprint may be sent, and how many were dropped in the previous window. */
  admit(fingerprint: string): { readonly admitted: boolean; readonly droppedBefore: number } {
    const now = this.now();
    let window = this.windows.get(fingerprint);
    let droppedBefore = 0;
    if (window === undefined || now - window.start >= 60_000) {
      droppedBefore = window?.dropped ?? 0;
      if (window === undefined && this.windows.size >= this.maxKeys) this.evictExpired(now);
      window = { start: now, sent: 0, dropped: 0 };
      this.windows.set(fingerprint, window);
    }
    if (window.sent >= this.perMinute) {
      window.dropped += 1;
      return { admitted: false, droppedBefore: 0 };
    }
    window.sent += 1;
    return { admitted: true, droppedBefore };
  }

  private evictExpired(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(key);
    // Still full: forget the oldest so memory stays bounded under unbounded fingerprints.
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
  }
}

/**
 * gorax_queue_depth, read from BullMQ on an interval rather than at scrape
 * time: a slow or absent Redis can then never slow or break a scrape. Each
 * read has a timeout; on failure the gauge keeps the last good value. A read
 * still in flight is never overlapped by the next one.
 */
import type { Registry } from 'prom-client';
import { queueDepth } from '../../catalog/metrics';
import type { Logger } from '../logging/logger';
import { withTimeout } from '../lifecycle/with-timeout';
import { registerCatalogMetric } from './catalog-registry';
import { assertLabelValues } from './label-values';

export interface QueueDepthSource {
  readonly queueName: string;
  /** Jobs waiting, delayed or prioritized (not running). */
  waitingCount(): Promise<number>;
}

export class QueueDepthCollector {
  private readonly gauge;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastGood: number | undefined;

  constructor(
    registry: Registry,
    private readonly source: QueueDepthSource,
    private readonly options: { readonly intervalMs: number; readonly timeoutMs: number; readonly logger: Logger },
  ) {
    assertLabelValues(queueDepth, { queue: source.queueName });
    this.gauge = registerCatalogMetric(queueDepth, registry).labels({ queue: source.queueName });
  }

  /** The last value read successfully, undefined before the first. */
  get value(): number | undefined {
    return this.lastGood;
  }

  start(): void {
    if (this.timer) return;
    void this.collect();
    this.timer = setInterval(() => void this.collect(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One read; resolves when it has ended either way. */
  collect(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const read = withTimeout(this.source.waitingCount(), this.options.timeoutMs, 'queue depth read')
      .then((depth) => {
        this.lastGood = depth;
        this.gauge.set(depth);
      })
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: { message: (error as Error).message }, queue: this.source.queueName, lastGood: this.lastGood ?? null },
          'queue depth read failed; keeping the last good value',
        );
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    this.inFlight = read;
    return read;
  }
}

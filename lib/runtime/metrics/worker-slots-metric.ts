/** gorax_active_workers: the worker's live slots, its concurrency while it takes jobs and 0 otherwise. */
import type { Registry } from 'prom-client';
import { activeWorkers } from '../../catalog/metrics';
import { registerCatalogMetric } from './catalog-registry';

export class WorkerSlotsMetric {
  private readonly gauge;

  constructor(registry: Registry) {
    this.gauge = registerCatalogMetric(activeWorkers, registry);
    this.gauge.set(0);
  }

  set(slots: number): void {
    this.gauge.set(slots);
  }
}

/**
 * Registers catalog metrics with prom-client. Names, help, label names and
 * buckets come only from lib/catalog: the services never spell a metric name.
 * Each process has its own Registry (not prom-client's global one), holding
 * the catalog metrics it exports plus prom-client's default process and
 * Node.js metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LabelSpecs, MetricDefinition } from '../../catalog/metric-definition';

type LabelNames<L extends LabelSpecs> = Extract<keyof L, string>;

/** The prom-client metric class a catalog entry becomes. */
export type PromMetric<D> =
  D extends MetricDefinition<string, 'counter', infer L>
    ? Counter<LabelNames<L>>
    : D extends MetricDefinition<string, 'gauge', infer L>
      ? Gauge<LabelNames<L>>
      : D extends MetricDefinition<string, 'histogram', infer L>
        ? Histogram<LabelNames<L>>
        : never;

export function registerCatalogMetric<D extends MetricDefinition>(definition: D, registry: Registry): PromMetric<D> {
  const common = {
    name: definition.name,
    help: definition.help,
    labelNames: Object.keys(definition.labels),
    registers: [registry],
  };
  switch (definition.type) {
    case 'counter':
      return new Counter(common) as PromMetric<D>;
    case 'gauge':
      return new Gauge(common) as PromMetric<D>;
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] }) as PromMetric<D>;
  }
}

/** A fresh per-process registry with prom-client's default metrics on it. */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

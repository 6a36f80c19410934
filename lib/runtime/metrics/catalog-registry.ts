/**
 * Registers catalog metrics on a prom-client Registry. Names, help, label
 * names and buckets come only from lib/catalog: the services never spell a
 * metric name. Each process has its own CatalogRegistry (not prom-client's
 * global one), holding the catalog metrics it exports plus prom-client's
 * default process and Node.js metrics.
 *
 * Counters and histograms, the hot path, are our own LabelledCounter and
 * LabelledHistogram (see labelled-metric.ts for why); gauges, set rarely,
 * stay prom-client's.
 */
import { collectDefaultMetrics, Gauge, Registry, type RegistryContentType } from 'prom-client';
import type { LabelSpecs, MetricDefinition } from '../../catalog/metric-definition';
import { LabelledCounter } from './labelled-counter';
import { LabelledHistogram } from './labelled-histogram';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition-text';

type LabelNames<L extends LabelSpecs> = Extract<keyof L, string>;

/** The collector class a catalog entry becomes. */
export type PromMetric<D> =
  D extends MetricDefinition<string, 'counter', LabelSpecs>
    ? LabelledCounter
    : D extends MetricDefinition<string, 'gauge', infer L>
      ? Gauge<LabelNames<L>>
      : D extends MetricDefinition<string, 'histogram', LabelSpecs>
        ? LabelledHistogram
        : never;

/** A metric that writes its own exposition text. */
interface SelfRenderingMetric {
  renderExposition(openMetrics: boolean): string;
}

function rendersItself(metric: unknown): metric is SelfRenderingMetric {
  return typeof (metric as Partial<SelfRenderingMetric>).renderExposition === 'function';
}

/**
 * prom-client's Registry, except that our collectors write their own
 * exposition text instead of handing the Registry one object per sample to
 * format: the same bytes, several times faster (docs/performance.md).
 * Default labels, which we do not use, take prom-client's own path.
 */
export class CatalogRegistry extends Registry {
  constructor(contentType: RegistryContentType = PROMETHEUS_CONTENT_TYPE) {
    super();
    // prom-client's typings bind a Registry to one content type; its JavaScript takes either.
    (this as unknown as { setContentType(type: RegistryContentType): void }).setContentType(contentType);
  }

  /** Overrides prom-client's per-metric formatter (public in its JavaScript, absent from its typings). */
  getMetricsAsString(metric: unknown): Promise<string> {
    const internals = Registry.prototype as unknown as RegistryInternals;
    const hasDefaultLabels = Object.keys((this as unknown as { _defaultLabels: object })._defaultLabels).length > 0;
    if (rendersItself(metric) && !hasDefaultLabels) {
      return Promise.resolve(metric.renderExposition((this.contentType as string) === OPENMETRICS_CONTENT_TYPE));
    }
    return internals.getMetricsAsString.call(this, metric);
  }
}

interface RegistryInternals {
  getMetricsAsString(this: Registry, metric: unknown): Promise<string>;
}

export function registerCatalogMetric<D extends MetricDefinition>(definition: D, registry: Registry): PromMetric<D> {
  const { name, help } = definition;
  const labelNames = Object.keys(definition.labels);
  switch (definition.type) {
    case 'counter':
      return register(registry, new LabelledCounter(name, help, labelNames)) as PromMetric<D>;
    case 'gauge':
      return new Gauge({ name, help, labelNames, registers: [registry] }) as PromMetric<D>;
    case 'histogram':
      return register(registry, new LabelledHistogram(name, help, labelNames, definition.buckets ?? [])) as PromMetric<D>;
  }
}

function register<M extends LabelledCounter | LabelledHistogram>(registry: Registry, metric: M): M {
  // prom-client's Registry only reads name, type, get/getForPromString and reset, which ours provide.
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  return metric;
}

/** A fresh per-process registry with prom-client's default metrics on it. */
export function createProcessRegistry(): Registry {
  const registry = new CatalogRegistry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

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
import { ExpositionWriter } from './exposition-writer';

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

/** A metric that writes its own exposition (our LabelledCounter and LabelledHistogram). */
interface SelfRenderingMetric {
  renderExposition(openMetrics: boolean): string;
  writeExposition(out: ExpositionWriter, openMetrics: boolean): void;
}

function rendersItself(metric: unknown): metric is SelfRenderingMetric {
  return typeof (metric as Partial<SelfRenderingMetric>).writeExposition === 'function';
}

interface RegistryInternals {
  getMetricsAsString(this: Registry, metric: unknown): Promise<string>;
}
type ContentTypeSettable = { setContentType(type: RegistryContentType): void };

/**
 * prom-client's Registry, except that our collectors write their exposition
 * bytes themselves instead of handing the Registry one object per sample to
 * format: the same bytes, several times faster (docs/performance.md).
 * Default labels, which we do not use, take prom-client's own path.
 */
export class CatalogRegistry extends Registry {
  /** Renders run one at a time: the content type prom-client's formatter reads is registry-wide. */
  private previousRender: Promise<unknown> = Promise.resolve();
  /** The last exposition's size, so the next one starts with a buffer that fits. */
  private lastExpositionBytes = 64 * 1024;

  constructor(contentType: RegistryContentType = PROMETHEUS_CONTENT_TYPE) {
    super();
    // prom-client's typings bind a Registry to one content type; its JavaScript takes either.
    (this as unknown as ContentTypeSettable).setContentType(contentType);
  }

  /** Overrides prom-client's per-metric formatter (public in its JavaScript, absent from its typings). */
  getMetricsAsString(metric: unknown): Promise<string> {
    if (rendersItself(metric) && !this.hasDefaultLabels()) {
      return Promise.resolve(metric.renderExposition((this.contentType as string) === OPENMETRICS_CONTENT_TYPE));
    }
    return (Registry.prototype as unknown as RegistryInternals).getMetricsAsString.call(this, metric);
  }

  /** prom-client's metrics(), in the registry's content type, without its renaming of counters for good (see exposition()). */
  async metrics(): Promise<string> {
    return (await this.exposition((this.contentType as string) === OPENMETRICS_CONTENT_TYPE)).toString('utf8');
  }

  /**
   * The whole exposition as the bytes to send: OpenMetrics (with exemplars and
   * `# EOF`) or the Prometheus text format, framed exactly as prom-client's
   * metrics() frames them. Metrics that are prom-client's own (gauges, the
   * default process metrics) are formatted by prom-client under the asked
   * content type, which is switched only for this render.
   */
  exposition(openMetrics: boolean): Promise<Buffer> {
    const render = this.previousRender.then(() => this.renderExposition(openMetrics));
    this.previousRender = render.catch(() => undefined);
    return render;
  }

  private async renderExposition(openMetrics: boolean): Promise<Buffer> {
    const metrics = this.getMetricsAsArray();
    const ownPath = !this.hasDefaultLabels();
    const formatted = await this.formatWithPromClient(
      metrics.filter((metric) => !(ownPath && rendersItself(metric))),
      openMetrics,
    );
    const out = new ExpositionWriter(this.lastExpositionBytes);
    metrics.forEach((metric, index) => {
      if (index > 0) out.text(openMetrics ? '\n' : '\n\n');
      if (ownPath && rendersItself(metric)) metric.writeExposition(out, openMetrics);
      else out.text(formatted.get(metric)!);
    });
    out.text(openMetrics ? '\n# EOF\n' : '\n');
    this.lastExpositionBytes = out.byteLength;
    return out.bytes();
  }

  /** prom-client's formatting of the given metrics, in the asked format, leaving the registry as it was. */
  private async formatWithPromClient(metrics: readonly object[], openMetrics: boolean): Promise<Map<object, string>> {
    const settable = this as unknown as ContentTypeSettable;
    const original = this.contentType as RegistryContentType;
    // prom-client's OpenMetrics formatter expects counters renamed without `_total` (its metrics() renames
    // them in place and never back): rename for this render only, or later text scrapes would lose `_total`.
    const renamed = metrics.filter((metric): metric is { name: string; type: string } => (metric as { type?: string }).type === 'counter');
    const names = renamed.map((metric) => metric.name);
    settable.setContentType((openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE) as RegistryContentType);
    if (openMetrics) for (const metric of renamed) metric.name = metric.name.replace(/_total$/, '');
    try {
      const texts = await Promise.all(metrics.map((metric) => (Registry.prototype as unknown as RegistryInternals).getMetricsAsString.call(this, metric)));
      return new Map(metrics.map((metric, index) => [metric, texts[index]!]));
    } finally {
      settable.setContentType(original);
      renamed.forEach((metric, index) => (metric.name = names[index]!));
    }
  }

  private hasDefaultLabels(): boolean {
    return Object.keys((this as unknown as { _defaultLabels: object })._defaultLabels).length > 0;
  }
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
export function createProcessRegistry(): CatalogRegistry {
  const registry = new CatalogRegistry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

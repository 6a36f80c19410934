import { register } from 'prom-client';
import { GORAX_METRICS } from '../../../lib/catalog/metrics';
import { createProcessRegistry, registerCatalogMetric } from '../../../lib/runtime/metrics/catalog-registry';
import { parseMetrics } from '../support/metrics-text';

describe('registerCatalogMetric', () => {
  it('registers every catalog metric with its name, type, help, label names and buckets', async () => {
    const registry = createProcessRegistry();
    for (const definition of GORAX_METRICS) registerCatalogMetric(definition, registry);
    const described = await registry.getMetricsAsJSON();
    for (const definition of GORAX_METRICS) {
      const metric = described.find((m) => m.name === definition.name);
      expect(metric).toMatchObject({ name: definition.name, help: definition.help, type: definition.type });
      const registered = registry.getSingleMetric(definition.name) as unknown as { labelNames: string[]; upperBounds?: number[] };
      expect(registered.labelNames).toEqual(Object.keys(definition.labels));
      if (definition.type === 'histogram') expect(registered.upperBounds).toEqual(definition.buckets);
    }
  });

  it('uses its own registry with the default metrics, never the global one', async () => {
    const registry = createProcessRegistry();
    registerCatalogMetric(GORAX_METRICS[0], registry);
    expect(register.getSingleMetric(GORAX_METRICS[0].name)).toBeUndefined();
    const names = new Set(parseMetrics(await registry.metrics()).map((s) => s.name));
    expect(names).toContain('process_resident_memory_bytes');
    expect(names).toContain('nodejs_heap_size_used_bytes');
  });
});

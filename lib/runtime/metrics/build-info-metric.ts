/** gorax_build_info{service,version,revision} = 1: which build of which service is running. */
import type { Registry } from 'prom-client';
import { buildInfo } from '../../catalog/metrics';
import { registerCatalogMetric } from './catalog-registry';
import { assertLabelValues } from './label-values';
import { packageVersion } from './package-version';

export function registerBuildInfo(registry: Registry, service: 'api' | 'worker', revision: string): void {
  const labels = { service, version: packageVersion(), revision };
  assertLabelValues(buildInfo, labels);
  registerCatalogMetric(buildInfo, registry).set(labels, 1);
}

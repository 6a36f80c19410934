/**
 * The in-cluster Prometheus stores exemplars, so the trace ids the services
 * attach to their duration histograms can lead from a latency point to a trace.
 */
import { ENVIRONMENTS } from '../../lib/config/environments';
import { NAMES } from '../../lib/k8s/names';
import { PROMETHEUS_FEATURE_FLAGS } from '../../lib/k8s/prometheus-config';
import { ALL_ENVIRONMENTS, deploymentTemplate } from './support/synthesized';

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  it('runs Prometheus with exemplar storage enabled', () => {
    expect(ENVIRONMENTS[env].monitoringNamespace).toBeTruthy();
    const containers = deploymentTemplate(env, NAMES.prometheus).spec.containers as { name: string; args: string[] }[];
    const prometheus = containers.find((c) => c.args.some((a) => a.startsWith('--config.file=')))!;
    expect(prometheus.args).toContain('--enable-feature=exemplar-storage');
    expect(PROMETHEUS_FEATURE_FLAGS).toEqual(['--enable-feature=exemplar-storage']);
  });
});

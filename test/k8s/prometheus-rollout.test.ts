/**
 * A changed prometheus.yml or rule file rolls the Prometheus pod: its template
 * carries one checksum per ConfigMap it mounts, computed from that ConfigMap's
 * synthesized content, so neither can change unnoticed by a running Prometheus.
 */
import { ENVIRONMENTS } from '../../lib/config/environments';
import { configChecksum } from '../../lib/k8s/config-checksum';
import { NAMES } from '../../lib/k8s/names';
import { ALL_ENVIRONMENTS, deploymentTemplate, find } from './support/synthesized';

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  it('annotates the pod with the checksums of both prometheus.yml and the rule files', () => {
    const namespace = ENVIRONMENTS[env].monitoringNamespace;
    const annotations = deploymentTemplate(env, NAMES.prometheus).metadata.annotations as Record<string, string>;
    const expected = Object.fromEntries(
      [NAMES.prometheusConfig, NAMES.prometheusRules].map((name) => [
        `checksum/${name}`,
        configChecksum(find(env, 'ConfigMap', name, namespace).data as Record<string, string>),
      ]),
    );
    expect(Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('checksum/')))).toEqual(expected);
  });

  it('gets different rule checksums for different rule content', () => {
    const other = env === 'production' ? 'staging' : 'production';
    const rules = (e: typeof env) => configChecksum(find(e, 'ConfigMap', NAMES.prometheusRules, ENVIRONMENTS[e].monitoringNamespace).data as Record<string, string>);
    expect(rules(env)).not.toBe(rules(other));
  });
});

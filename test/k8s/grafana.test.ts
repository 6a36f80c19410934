/**
 * Grafana knows the external URL it is served at, the same one the alerts'
 * dashboard_url annotations point at, so its own links (shares, alert
 * previews) open for someone outside the cluster too.
 */
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { NAMES } from '../../lib/k8s/names';
import { environmentRulesYaml } from '../../lib/k8s/monitoring-chart';
import { ALL_ENVIRONMENTS, deploymentTemplate } from './support/synthesized';

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  it('serves Grafana at the environment’s external URL, the base of every dashboard_url', () => {
    const [container] = deploymentTemplate(env, NAMES.grafana).spec.containers;
    const rootUrl = container!.env!.find((e) => e.name === 'GF_SERVER_ROOT_URL')?.value;
    expect(rootUrl).toBe(ENVIRONMENTS[env].grafanaBaseUrl);
    const rules = (parse(environmentRulesYaml(ENVIRONMENTS[env])) as { groups: { rules: { annotations?: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules);
    const links = rules.map((r) => r.annotations?.dashboard_url).filter((u): u is string => u !== undefined);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const bases = [...link.matchAll(/https?:\/\/[^/\s{}]+/g)].map((m) => m[0]);
      expect(bases.length).toBeGreaterThan(0);
      expect(new Set(bases)).toEqual(new Set([rootUrl]));
    }
  });
});

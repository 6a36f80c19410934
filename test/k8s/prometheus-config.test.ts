/**
 * prometheus.yml: what dist/ carries is production's ConfigMap, promtool
 * accepts it with the rule files beside it, and its scrape jobs keep exactly
 * the pods and ports the workload constructs create.
 *
 * Debian's promtool 2.42 is built without Kubernetes service discovery: it
 * rejects `kubernetes_sd_configs` as an unknown field. Where that is so, the
 * checks run on the same file with each `kubernetes_sd_configs` replaced by a
 * `file_sd_configs` holding the targets Kubernetes' pod role would produce
 * for the synthesized pods (one per container port, with its documented
 * `__meta_kubernetes_*` labels); the relabeling that decides what is scraped
 * is then Prometheus' own. Where promtool supports Kubernetes discovery, the
 * file is also checked exactly as written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { JOBS } from '../../lib/catalog/target-labels';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { PORT_NAMES, PORTS } from '../../lib/config/service-contract';
import { KUBERNETES_OUTPUT_PATHS, kubernetesOutputs } from '../../lib/k8s/manifests';
import { environmentRulesYaml, inClusterPrometheusConfig, RULES_FILE } from '../../lib/k8s/monitoring-chart';
import { NAME_LABEL } from '../../lib/k8s/names';
import { prometheusConfig, renderPrometheusConfig, type PrometheusConfig } from '../../lib/k8s/prometheus-config';
import { productionRulesYaml } from '../../lib/synth';
import { runTool } from '../support/run-tool';
import { ALL_ENVIRONMENTS, deploymentTemplate, find, objectsOf, type PodTemplate } from './support/synthesized';

const outputs = kubernetesOutputs();
const distPrometheusYml = outputs.get(KUBERNETES_OUTPUT_PATHS.prometheus)!;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gorax-prometheus-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfigDir(name: string, prometheusYml: string, extra: Record<string, string> = {}): string {
  const here = join(dir, name);
  rmSync(here, { recursive: true, force: true });
  mkdirSync(here, { recursive: true });
  writeFileSync(join(here, 'prometheus.yml'), prometheusYml);
  writeFileSync(join(here, RULES_FILE), productionRulesYaml());
  for (const [file, content] of Object.entries(extra)) writeFileSync(join(here, file), content);
  return here;
}

/** Whether this promtool knows Kubernetes service discovery at all. */
function promtoolHasKubernetesDiscovery(): boolean {
  const here = writeConfigDir('probe', stringify({ scrape_configs: [{ job_name: 'x', kubernetes_sd_configs: [{ role: 'pod' }] }] }));
  return runTool('promtool', ['check', 'config', '--syntax-only', 'prometheus.yml'], here).status === 0;
}

/** Labels Kubernetes' pod role gives each container port of a pod. */
function podRoleTargets(pod: { name: string; namespace: string; ip: string; phase: string; template: PodTemplate }) {
  const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');
  const podLabels = Object.fromEntries(
    Object.entries(pod.template.metadata.labels).flatMap(([k, v]) => [
      [`__meta_kubernetes_pod_label_${sanitize(k)}`, v],
      [`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`, 'true'],
    ]),
  );
  return pod.template.spec.containers.flatMap((c) =>
    (c.ports ?? []).map((port) => ({
      targets: [`${pod.ip}:${port.containerPort}`],
      labels: {
        __meta_kubernetes_namespace: pod.namespace,
        __meta_kubernetes_pod_name: pod.name,
        __meta_kubernetes_pod_ip: pod.ip,
        __meta_kubernetes_pod_phase: pod.phase,
        __meta_kubernetes_pod_ready: pod.phase === 'Running' ? 'true' : 'false',
        __meta_kubernetes_pod_container_name: c.name,
        __meta_kubernetes_pod_container_port_name: port.name ?? '',
        __meta_kubernetes_pod_container_port_number: String(port.containerPort),
        __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
        ...podLabels,
      },
    })),
  );
}

/** The same configuration with Kubernetes discovery replaced by a targets file. */
function withFileDiscovery(config: PrometheusConfig, file: string): string {
  return renderPrometheusConfig({
    ...config,
    scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs: _k, ...job }) => ({ ...job, file_sd_configs: [{ files: [file] }] })),
  });
}

describe('dist/prometheus/prometheus.yml', () => {
  it("is production's Prometheus ConfigMap, byte for byte", () => {
    const configMap = find('production', 'ConfigMap', 'prometheus-config');
    expect((configMap.data as Record<string, string>)['prometheus.yml']).toBe(distPrometheusYml);
  });

  it('names the rule file that sits beside it in the projected volume', () => {
    const config = parse(distPrometheusYml) as PrometheusConfig;
    expect(config.rule_files).toEqual([RULES_FILE]);
    const volume = deploymentTemplate('production', 'prometheus').spec.volumes!.find((v) => v.name === 'config') as unknown as {
      projected: { sources: { configMap: { name: string } }[] };
    };
    expect(volume.projected.sources.map((s) => s.configMap.name)).toEqual(['prometheus-config', 'prometheus-rules']);
  });

  it('carries external labels, alerting to the Alertmanager Service, and the two Gorax jobs', () => {
    const config = parse(distPrometheusYml) as PrometheusConfig;
    expect(config.global.external_labels).toEqual({ cluster: ENVIRONMENTS.production.cluster, environment: 'production' });
    expect(config.alerting.alertmanagers).toEqual([{ static_configs: [{ targets: ['alertmanager.gorax-monitoring.svc:9093'] }] }]);
    find('production', 'Service', 'alertmanager', 'gorax-monitoring');
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual([JOBS.api, JOBS.worker]);
  });

  it('passes promtool check config, rules included', () => {
    const config = parse(distPrometheusYml) as PrometheusConfig;
    if (promtoolHasKubernetesDiscovery()) {
      const exact = runTool('promtool', ['check', 'config', 'prometheus.yml'], writeConfigDir('exact', distPrometheusYml));
      expect(exact.output).toContain('SUCCESS');
      expect(exact.status).toBe(0);
    } else {
      // What Debian's promtool says about the exact file: nothing but the missing discovery.
      const exact = runTool('promtool', ['check', 'config', 'prometheus.yml'], writeConfigDir('exact', distPrometheusYml));
      expect(exact.status).not.toBe(0);
      const complaints = exact.output.split('\n').filter((l) => /^\s*line \d+:/.test(l));
      expect(complaints.length).toBe(config.scrape_configs.length);
      for (const line of complaints) expect(line).toMatch(/field kubernetes_sd_configs not found/);
    }
    const here = writeConfigDir('file-sd', withFileDiscovery(config, 'targets.json'), { 'targets.json': '[]' });
    const { status, output } = runTool('promtool', ['check', 'config', 'prometheus.yml'], here);
    expect(output).toContain('SUCCESS: 1 rule files found');
    expect(output).toMatch(/Checking gorax\.rules\.yml\s+SUCCESS: \d+ rules found/);
    expect(status).toBe(0);
  });
});

describe.each(ALL_ENVIRONMENTS)('%s Prometheus', (env) => {
  it("loads the environment's own rule file, as the rules issue renders it", () => {
    const rules = find(env, 'ConfigMap', 'prometheus-rules');
    expect(rules.data).toEqual({ [RULES_FILE]: environmentRulesYaml(ENVIRONMENTS[env]) });
    if (env === 'production') expect((rules.data as Record<string, string>)[RULES_FILE]).toBe(productionRulesYaml());
  });

  it('discovers only the Gorax namespace, through selectors on the workloads’ own label', () => {
    const config = inClusterPrometheusConfig(ENVIRONMENTS[env]);
    for (const job of config.scrape_configs) {
      const deployment = find(env, 'Deployment', job.job_name);
      const template = deploymentTemplate(env, job.job_name);
      expect(job.kubernetes_sd_configs).toEqual([
        { role: 'pod', namespaces: { names: [deployment.metadata.namespace] }, selectors: [{ role: 'pod', label: `${NAME_LABEL}=${job.job_name}` }] },
      ]);
      expect(template.metadata.labels[NAME_LABEL]).toBe(job.job_name);
    }
  });
});

describe('scrape jobs against the synthesized pods', () => {
  const env = 'production';
  let seen: Record<string, { discoveredLabels: Record<string, string>; labels: Record<string, string> }[]>;
  let pods: { name: string; namespace: string; ip: string; phase: string; template: PodTemplate }[];

  beforeAll(() => {
    pods = [];
    let ip = 10;
    for (const job of [JOBS.api, JOBS.worker]) {
      // The HPA owns the replica count; its floor is how many pods run at least.
      const deployment = find(env, 'Deployment', job) as unknown as { metadata: { namespace?: string } };
      const replicas = (find(env, 'HorizontalPodAutoscaler', job).spec as { minReplicas: number }).minReplicas;
      for (let i = 0; i < replicas; i++) {
        pods.push({ name: `${job}-pod-${i}`, namespace: deployment.metadata.namespace!, ip: `10.0.0.${ip++}`, phase: 'Running', template: deploymentTemplate(env, job) });
      }
      // A pod of the same workload that has finished: never scraped.
      pods.push({ name: `${job}-done`, namespace: 'gorax', ip: `10.0.0.${ip++}`, phase: 'Failed', template: deploymentTemplate(env, job) });
    }
    // Another application in the namespace with its own `metrics` port: not ours.
    pods.push({
      name: 'other-exporter',
      namespace: 'gorax',
      ip: `10.0.0.${ip++}`,
      phase: 'Running',
      template: { metadata: { labels: { [NAME_LABEL]: 'other-exporter' } }, spec: { containers: [{ name: 'x', image: 'x', ports: [{ name: 'metrics', containerPort: 9100 }] }] } },
    });
    const targets = pods.flatMap(podRoleTargets);
    const config = inClusterPrometheusConfig(ENVIRONMENTS[env]);
    const here = writeConfigDir('discovery', withFileDiscovery(config, 'targets.json'), { 'targets.json': JSON.stringify(targets) });
    seen = {};
    for (const job of [JOBS.api, JOBS.worker]) {
      // stdout only: the JSON report (promtool logs to stderr).
      const run = spawnSync('promtool', ['check', 'service-discovery', '--timeout=2s', 'prometheus.yml', job], { cwd: here, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`promtool check service-discovery ${job} failed:\n${run.stdout}${run.stderr}`);
      seen[job] = JSON.parse(run.stdout);
    }
  });

  it.each([JOBS.api, JOBS.worker])('%s keeps exactly its running pods, on their metrics port', (job) => {
    const kept = seen[job]!.filter((t) => Object.keys(t.labels).length > 0).map((t) => t.labels);
    const expected = pods
      .filter((p) => p.template.metadata.labels[NAME_LABEL] === job && p.phase === 'Running')
      .map((p) => ({ instance: `${p.ip}:${PORTS.metrics}`, job, namespace: p.namespace, pod: p.name }));
    const byPod = (a: { pod?: string }, b: { pod?: string }) => String(a.pod).localeCompare(String(b.pod));
    expect(kept.map((l) => ({ instance: l.instance, job: l.job, namespace: l.namespace, pod: l.pod })).sort(byPod)).toEqual(expected.sort(byPod));
    expect(expected.length).toBe((find(env, 'HorizontalPodAutoscaler', job).spec as { minReplicas: number }).minReplicas);
    for (const labels of kept) expect(labels.__metrics_path__).toBe('/metrics');
  });

  it('scrapes no probe or traffic port, and nothing of another application', () => {
    const kept = Object.values(seen).flatMap((targets) => targets.filter((t) => Object.keys(t.labels).length > 0));
    for (const t of kept) expect(t.discoveredLabels.__meta_kubernetes_pod_container_port_name).toBe(PORT_NAMES.metrics);
    expect(kept.some((t) => t.discoveredLabels.__meta_kubernetes_pod_name === 'other-exporter')).toBe(false);
  });

  it('is what the workloads declare: a `metrics` container port on the metrics port', () => {
    for (const job of [JOBS.api, JOBS.worker]) {
      const ports = deploymentTemplate(env, job).spec.containers.flatMap((c) => c.ports ?? []);
      expect(ports).toContainEqual({ name: PORT_NAMES.metrics, containerPort: PORTS.metrics });
    }
    expect(objectsOf(env).filter((o) => o.kind === 'Deployment' && (o.metadata.labels as Record<string, string>)[NAME_LABEL]?.startsWith('gorax-'))).toHaveLength(2);
  });
});

describe('the static-target strategy (for a loopback stack)', () => {
  const base = {
    alertmanagers: ['127.0.0.1:9093'],
    externalLabels: { cluster: 'local', environment: 'dev' },
    scrapeInterval: '5s',
    evaluationInterval: '5s',
    ruleFiles: [RULES_FILE],
  };

  it('writes static targets that promtool accepts, with the same jobs', () => {
    const config = prometheusConfig({ ...base, targets: { kind: 'static', targets: { [JOBS.api]: ['127.0.0.1:9464'], [JOBS.worker]: ['127.0.0.1:9465'] } } });
    expect(config.scrape_configs.map((j) => [j.job_name, j.static_configs])).toEqual([
      [JOBS.api, [{ targets: ['127.0.0.1:9464'] }]],
      [JOBS.worker, [{ targets: ['127.0.0.1:9465'] }]],
    ]);
    const { status, output } = runTool('promtool', ['check', 'config', 'prometheus.yml'], writeConfigDir('static', renderPrometheusConfig(config)));
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it.each([
    [{ alertmanagers: [] }, 'give at least one Alertmanager host:port'],
    [{ alertmanagers: ['http://am:9093'] }, 'alertmanager "http://am:9093" is not host:port'],
    [{ targets: { kind: 'static', targets: { [JOBS.api]: [], [JOBS.worker]: ['127.0.0.1:1'] } } }, 'job gorax-api has no address'],
  ] as const)('rejects %j saying what to change', (change, message) => {
    const options = { ...base, targets: { kind: 'static', targets: { [JOBS.api]: ['127.0.0.1:1'], [JOBS.worker]: ['127.0.0.1:2'] } }, ...change } as Parameters<typeof prometheusConfig>[0];
    expect(() => prometheusConfig(options)).toThrow(message);
  });
});

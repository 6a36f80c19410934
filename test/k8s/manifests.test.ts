/**
 * The synthesized output as a whole: one snapshot per environment, byte-
 * identical re-synthesis, explicit names, the dashboards (any number of them)
 * in Grafana's ConfigMap, and checksum annotations that follow the content.
 *
 * The snapshots show the structure reviewers need to see. Content owned by
 * other modules and proven exactly elsewhere (the rule file, the dashboards,
 * the variables generated from ENV_VARS, and checksums of those) is replaced
 * by a short marker, so a rule or dashboard change does not churn them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dashboardJson, goraxDashboards, type DashboardModel } from '../../dashboards-src';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { configChecksum } from '../../lib/k8s/config-checksum';
import { environmentOverrides } from '../../lib/k8s/gorax-environment';
import { dashboardConfigMapData } from '../../lib/k8s/grafana';
import { environmentManifests, kubernetesOutputs, type KubeObject } from '../../lib/k8s/manifests';
import { synthesize } from '../../lib/synth';
import { ALL_ENVIRONMENTS, objectId, objectsOf } from './support/synthesized';

function stableView(objects: readonly KubeObject[], env: (typeof ALL_ENVIRONMENTS)[number]): unknown[] {
  const overrides = Object.keys(environmentOverrides(ENVIRONMENTS[env]));
  return objects.map((o) => {
    const copy = structuredClone(o) as Record<string, any>;
    if (o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') {
      copy.data = Object.fromEntries(Object.keys(copy.data).map((k) => [k, '<environmentRulesYaml(env), compared in prometheus-config.test.ts>']));
    }
    if (o.kind === 'ConfigMap' && o.metadata.name === 'gorax-config') {
      const data = copy.data as Record<string, string>;
      copy.data = Object.fromEntries(Object.entries(data).filter(([k]) => overrides.includes(k)));
      copy.data['<the rest>'] = '<defaults of ENV_VARS, checked in gorax-workloads.test.ts>';
    }
    const template = copy.spec?.template;
    if (template) {
      for (const key of Object.keys(template.metadata.annotations ?? {})) if (key.startsWith('checksum/')) template.metadata.annotations[key] = '<sha256>';
      for (const c of template.spec.containers) {
        // Per-service literals (the shutdown timing) stay visible; references are checked elsewhere.
        if (o.metadata.name.startsWith('gorax-') && Array.isArray(c.env)) {
          c.env = [...c.env.filter((e: { value?: string }) => e.value !== undefined), '<the rest by reference, from ENV_VARS, checked in gorax-workloads.test.ts>'];
        }
      }
    }
    return copy;
  });
}

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  it('matches the snapshot', () => {
    const files = environmentManifests(ENVIRONMENTS[env], { dashboards: [] });
    for (const file of files) expect(stableView(file.objects, env)).toMatchSnapshot(file.path);
  });

  it('writes one file per chart, each opening with its namespace', () => {
    const files = environmentManifests(ENVIRONMENTS[env]);
    expect(files.map((f) => f.path)).toEqual([`${env}/gorax.k8s.yaml`, `${env}/monitoring.k8s.yaml`]);
    expect(files.map((f) => [f.objects[0]!.kind, f.objects[0]!.metadata.name])).toEqual([
      ['Namespace', ENVIRONMENTS[env].namespace],
      ['Namespace', ENVIRONMENTS[env].monitoringNamespace],
    ]);
  });

  it('names every object explicitly and uniquely, with no generated hash', () => {
    const objects = objectsOf(env);
    const ids = objects.map(objectId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(objects.filter((o) => /-c8[0-9a-f]{6}$|[A-Z]/.test(o.metadata.name)).map(objectId)).toEqual([]);
  });
});

describe('synthesis', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function synthInto(): Map<string, Buffer> {
    const dir = mkdtempSync(join(tmpdir(), 'gorax-synth-'));
    dirs.push(dir);
    synthesize(dir);
    const files = new Map<string, Buffer>();
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else files.set(relative(dir, path), readFileSync(path));
      }
    };
    walk(dir);
    return files;
  }

  it('is byte-identical when run twice', () => {
    const first = synthInto();
    const second = synthInto();
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, content] of first) expect([path, second.get(path)!.equals(content)]).toEqual([path, true]);
  });

  it('writes every Kubernetes output at the contract’s paths', () => {
    const files = synthInto();
    const outputs = kubernetesOutputs();
    for (const [path, content] of outputs) expect([path, files.get(path)?.toString('utf8')]).toEqual([path, content]);
    const expected = ['alertmanager/alertmanager.yml', 'prometheus/prometheus.yml', ...ALL_ENVIRONMENTS.flatMap((e) => [`${e}/gorax.k8s.yaml`, `${e}/monitoring.k8s.yaml`])];
    expect([...outputs.keys()].sort()).toEqual(expected.sort());
  });
});

describe('Grafana dashboards', () => {
  const fake = (uid: string): DashboardModel => ({ uid, title: `Dashboard ${uid}`, panels: [] });
  const dashboardsOf = (dashboards: readonly DashboardModel[]) => {
    const monitoring = environmentManifests(ENVIRONMENTS.dev, { dashboards })[1]!;
    return monitoring.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-dashboards')!;
  };

  it('provisions whatever goraxDashboards() returns, one key per uid, as dist/dashboards has it', () => {
    const real = goraxDashboards();
    const data = ((objectsOf('production').find((o) => o.metadata.name === 'grafana-dashboards')!.data ?? {}) as Record<string, string>);
    expect(Object.keys(data).sort()).toEqual(real.map((d) => `${d.uid}.json`).sort());
    for (const d of real) expect(data[`${d.uid}.json`]).toBe(dashboardJson(d));
  });

  it('works with no dashboard and with several', () => {
    expect(dashboardsOf([]).data ?? {}).toEqual({});
    expect(Object.keys(dashboardsOf([fake('a'), fake('b-2')]).data as object)).toEqual(['a.json', 'b-2.json']);
  });

  it('rolls Grafana when a dashboard changes', () => {
    const checksum = (dashboards: readonly DashboardModel[]) => {
      const monitoring = environmentManifests(ENVIRONMENTS.dev, { dashboards })[1]!;
      const grafana = monitoring.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'grafana') as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
      return grafana.spec.template.metadata.annotations['checksum/grafana-dashboards'];
    };
    expect(checksum([fake('a')])).toBe(configChecksum(dashboardConfigMapData([fake('a')])));
    expect(checksum([fake('a')])).not.toBe(checksum([{ ...fake('a'), title: 'changed' }]));
  });

  it('rejects a duplicate or unusable uid, saying what to change', () => {
    expect(() => dashboardConfigMapData([fake('a'), fake('a')])).toThrow('dashboard uid "a" is used twice; give every dashboard its own uid');
    expect(() => dashboardConfigMapData([fake('a/b')])).toThrow('uid "a/b" cannot be a ConfigMap key');
  });
});

describe('checksum annotations', () => {
  it('follow the ConfigMaps they cover', () => {
    for (const env of ALL_ENVIRONMENTS) {
      const objects = objectsOf(env);
      for (const o of objects.filter((x) => x.kind === 'Deployment')) {
        const annotations = ((o.spec as any).template.metadata.annotations ?? {}) as Record<string, string>;
        for (const [key, value] of Object.entries(annotations).filter(([k]) => k.startsWith('checksum/'))) {
          const configMap = objects.find((c) => c.kind === 'ConfigMap' && c.metadata.name === key.slice('checksum/'.length));
          expect([objectId(o), key, value]).toEqual([objectId(o), key, configChecksum((configMap!.data ?? {}) as Record<string, string>)]);
        }
      }
    }
  });

  it('cover every ConfigMap a pod reads', () => {
    const objects = objectsOf('production');
    const covered = objects
      .filter((o) => o.kind === 'Deployment')
      .flatMap((o) => Object.keys(((o.spec as any).template.metadata.annotations ?? {}) as object))
      .map((k) => k.slice('checksum/'.length));
    expect([...new Set(covered)].sort()).toEqual(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name).sort());
  });
});

/**
 * Every container runs with a read-only root filesystem, so every path its
 * process writes must be a writable mount (an emptyDir or a PersistentVolume),
 * or the pod crash-loops in the cluster. The paths come from each container's
 * own flags and environment where it names them, and from the images'
 * documented defaults otherwise:
 * - Grafana: GF_PATHS_DATA (SQLite, plugins), GF_PATHS_LOGS (a file handler
 *   unless GF_LOG_MODE is console), /tmp;
 * - Prometheus: --storage.tsdb.path (on the PersistentVolume);
 * - Alertmanager: --storage.path (silences and notification log);
 * - Jaeger all-in-one: /tmp (memory storage writes nothing else);
 * - the Gorax services: /tmp (HEALTH_DISK_PATH and Node's temporary files).
 */
import { NAMES } from '../../lib/k8s/names';
import { ALL_ENVIRONMENTS, deploymentTemplate, type ContainerSpec, type PodTemplate } from './support/synthesized';

function flag(container: ContainerSpec, name: string): string {
  const arg = (container.args ?? []).find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) throw new Error(`${container.name}: no --${name} flag`);
  return arg.slice(name.length + 3);
}

function envValue(container: ContainerSpec, name: string): string {
  const value = container.env?.find((e) => e.name === name)?.value;
  if (value === undefined) throw new Error(`${container.name}: ${name} is not set`);
  return value;
}

/** The volume kind backing a path (by its longest mount prefix), or a reason it is not writable. */
function writableBacking(template: PodTemplate, container: ContainerSpec, path: string): string {
  const mount = (container.volumeMounts ?? [])
    .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (mount === undefined) return `${path}: on the read-only root filesystem`;
  if (mount.readOnly) return `${path}: mounted read-only from ${mount.name}`;
  const volume = template.spec.volumes?.find((v) => v.name === mount.name);
  if (volume?.emptyDir) return 'emptyDir';
  if (volume?.persistentVolumeClaim) return 'persistentVolumeClaim';
  return `${path}: volume ${mount.name} is neither an emptyDir nor a PersistentVolumeClaim`;
}

const writers: { name: string; paths: (c: ContainerSpec) => string[]; backing?: string }[] = [
  { name: NAMES.grafana, paths: (c) => [envValue(c, 'GF_PATHS_DATA'), envValue(c, 'GF_PATHS_PLUGINS'), envValue(c, 'GF_PATHS_LOGS'), '/tmp'] },
  { name: NAMES.prometheus, paths: (c) => [flag(c, 'storage.tsdb.path')], backing: 'persistentVolumeClaim' },
  { name: NAMES.alertmanager, paths: (c) => [flag(c, 'storage.path')] },
  { name: NAMES.jaeger, paths: () => ['/tmp'] },
  { name: NAMES.api, paths: () => ['/tmp'] },
  { name: NAMES.worker, paths: () => ['/tmp'] },
];

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  it.each(writers)('$name writes only to writable volumes', ({ name, paths, backing }) => {
    const template = deploymentTemplate(env, name);
    const [container] = template.spec.containers;
    expect(container!.securityContext?.readOnlyRootFilesystem).toBe(true);
    const backings = paths(container!).map((p) => writableBacking(template, container!, p));
    expect(backings.filter((b) => b !== 'emptyDir' && b !== 'persistentVolumeClaim')).toEqual([]);
    if (backing !== undefined) expect(new Set(backings)).toEqual(new Set([backing]));
  });

  it('Grafana logs to the console only, so it never opens a log file', () => {
    const [container] = deploymentTemplate(env, NAMES.grafana).spec.containers;
    expect(envValue(container!, 'GF_LOG_MODE')).toBe('console');
  });
});

describe('the writable-path check itself', () => {
  it('reports a path left on the read-only root filesystem', () => {
    const template = structuredClone(deploymentTemplate('production', NAMES.grafana));
    const [container] = template.spec.containers;
    container!.volumeMounts = container!.volumeMounts!.filter((m) => m.mountPath !== '/var/log/grafana');
    expect(writableBacking(template, container!, envValue(container!, 'GF_PATHS_LOGS'))).toBe('/var/log/grafana: on the read-only root filesystem');
    expect(writableBacking(template, container!, '/etc/grafana/provisioning/datasources/x')).toMatch(/mounted read-only/);
  });
});

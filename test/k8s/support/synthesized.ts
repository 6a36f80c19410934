/**
 * The synthesized manifests of every environment, built once per test file,
 * and helpers to walk their pods and containers.
 */
import { ENVIRONMENT_NAMES, environmentConfig, type EnvironmentName } from '../../../lib/config/environments';
import { environmentManifests, type KubeObject, type ManifestFile } from '../../../lib/k8s/manifests';

const cache = new Map<EnvironmentName, readonly ManifestFile[]>();

export function manifestFiles(env: EnvironmentName): readonly ManifestFile[] {
  let files = cache.get(env);
  if (!files) {
    files = environmentManifests(environmentConfig(env));
    cache.set(env, files);
  }
  return files;
}

export function objectsOf(env: EnvironmentName): readonly KubeObject[] {
  return manifestFiles(env).flatMap((f) => f.objects);
}

export const ALL_ENVIRONMENTS = ENVIRONMENT_NAMES;

/** `Kind namespace/name`: how every failure names the object. */
export function objectId(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;
}

export function find(env: EnvironmentName, kind: string, name: string, namespace?: string): KubeObject {
  const found = objectsOf(env).filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: unknown[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  command?: string[];
  args?: string[];
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface PodSpec {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; [key: string]: unknown }[];
  topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'];

/** Every pod template (or Pod) among the objects, with its owner. */
export function podTemplates(objects: readonly KubeObject[]): { owner: KubeObject; template: PodTemplate }[] {
  return objects.flatMap((o) => {
    if (!WORKLOAD_KINDS.includes(o.kind)) return [];
    const spec = o.spec as { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } } } | undefined;
    if (o.kind === 'Pod') return [{ owner: o, template: { metadata: o.metadata as unknown as PodTemplate['metadata'], spec: o.spec as PodSpec } }];
    const template = spec?.template ?? spec?.jobTemplate?.spec.template;
    if (!template) throw new Error(`${objectId(o)} has no pod template`);
    return [{ owner: o, template }];
  });
}

export function deploymentTemplate(env: EnvironmentName, name: string): PodTemplate {
  return (find(env, 'Deployment', name).spec as { template: PodTemplate }).template;
}

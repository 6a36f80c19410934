/**
 * The container and pod rules every workload must follow, as a checker that
 * returns one message per violation, each naming the object and container.
 */
import type { KubeObject } from '../../../lib/k8s/manifests';
import { objectId, podTemplates, type ContainerSpec, type PodSpec } from './synthesized';

/** Only Prometheus calls the Kubernetes API (pod discovery). */
export const TOKEN_ALLOWED = new Set(['prometheus']);

const CPU = /^(\d+)(m?)$/;
const MEMORY = /^(\d+)(Ki|Mi|Gi)?$/;
const MEMORY_UNITS: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

export function cpuMillis(quantity: string): number {
  const m = CPU.exec(quantity);
  if (!m) throw new Error(`unexpected cpu quantity ${quantity}`);
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

export function memoryBytes(quantity: string): number {
  const m = MEMORY.exec(quantity);
  if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!;
}

function containerViolations(where: string, c: ContainerSpec, pod: PodSpec): string[] {
  const v: string[] = [];
  const sc = (c.securityContext ?? {}) as {
    runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean;
    privileged?: boolean; capabilities?: { drop?: string[]; add?: string[] }; seccompProfile?: { type?: string };
  };
  const psc = (pod.securityContext ?? {}) as { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  const at = `${where} container ${c.name}`;
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) v.push(`${at}: runAsNonRoot is not true`);
  const user = sc.runAsUser ?? psc.runAsUser;
  if (!(typeof user === 'number' && user > 0)) v.push(`${at}: runAsUser is ${user}, not a numeric non-root user`);
  if (sc.readOnlyRootFilesystem !== true) v.push(`${at}: readOnlyRootFilesystem is not true`);
  if (sc.allowPrivilegeEscalation !== false) v.push(`${at}: allowPrivilegeEscalation is not false`);
  if (sc.privileged === true) v.push(`${at}: privileged`);
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${at}: capabilities do not drop ALL`);
  if ((sc.capabilities?.add ?? []).length > 0) v.push(`${at}: adds capabilities ${sc.capabilities?.add?.join(',')}`);
  if ((sc.seccompProfile ?? psc.seccompProfile)?.type !== 'RuntimeDefault') v.push(`${at}: seccomp profile is not RuntimeDefault`);
  for (const resource of ['cpu', 'memory'] as const) {
    const request = c.resources?.requests?.[resource];
    const limit = c.resources?.limits?.[resource];
    if (request === undefined) v.push(`${at}: no ${resource} request`);
    if (limit === undefined) v.push(`${at}: no ${resource} limit`);
    if (request !== undefined && limit !== undefined) {
      const parse = resource === 'cpu' ? cpuMillis : memoryBytes;
      if (parse(limit) < parse(request)) v.push(`${at}: ${resource} limit ${limit} is below its request ${request}`);
    }
  }
  return v;
}

/** Every violation of the container and pod rules among the objects. */
export function policyViolations(objects: readonly KubeObject[]): string[] {
  return podTemplates(objects).flatMap(({ owner, template }) => {
    const where = objectId(owner);
    const pod = template.spec;
    const v = [...pod.containers, ...(pod.initContainers ?? [])].flatMap((c) => containerViolations(where, c, pod));
    const host = pod as { hostNetwork?: boolean; hostPID?: boolean; hostIPC?: boolean };
    if (host.hostNetwork || host.hostPID || host.hostIPC) v.push(`${where}: uses a host namespace`);
    const tokenAllowed = TOKEN_ALLOWED.has(owner.metadata.name);
    if (!tokenAllowed && pod.automountServiceAccountToken !== false) {
      v.push(`${where}: automountServiceAccountToken is not false, but only ${[...TOKEN_ALLOWED].join(', ')} may call the Kubernetes API`);
    }
    return v;
  });
}

/** Namespace rules: every namespace used is declared with Pod Security "restricted" and has a default-deny policy. */
export function namespaceViolations(objects: readonly KubeObject[]): string[] {
  const used = new Set(objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])));
  return [...used].sort().flatMap((ns) => {
    const v: string[] = [];
    const declared = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    const labels = (declared?.metadata.labels ?? {}) as Record<string, string>;
    if (!declared) v.push(`Namespace ${ns}: not declared`);
    else if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') v.push(`Namespace ${ns}: Pod Security "restricted" is not enforced`);
    const denies = objects.some((o) => {
      if (o.kind !== 'NetworkPolicy' || o.metadata.namespace !== ns) return false;
      const spec = o.spec as { podSelector?: Record<string, unknown>; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
      return Object.keys(spec.podSelector ?? {}).length === 0 && ['Ingress', 'Egress'].every((t) => spec.policyTypes?.includes(t)) && !spec.ingress && !spec.egress;
    });
    if (!denies) v.push(`Namespace ${ns}: no default-deny NetworkPolicy (ingress and egress)`);
    return v;
  });
}

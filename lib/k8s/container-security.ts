/**
 * The hardening every container and pod here gets: non-root with a numeric
 * user, read-only root filesystem, no privilege escalation, all capabilities
 * dropped, seccomp RuntimeDefault (what Pod Security "restricted" demands),
 * and explicit requests and limits. cdk8s-plus-28 sets the first three by
 * default but neither capabilities nor seccomp, and it invents resources
 * unless given some, so every workload takes its settings from here.
 */
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { ComputeResources } from '../config/environments';
import { selectorLabels } from './names';

/** Numeric users of the images (numeric, so the kubelet can verify runAsNonRoot). */
export const RUN_AS = {
  /** The `node` user of the official Node.js images, used by Dockerfile.api/worker. */
  gorax: 1000,
  /** `nobody`, as the Prometheus and Alertmanager images run. */
  nobody: 65534,
  /** The `grafana` user of the Grafana image. */
  grafana: 472,
  /** The user of the Jaeger images. */
  jaeger: 10001,
} as const;

export function hardenedContainerSecurity(user: number): kplus.ContainerSecurityContextProps {
  if (!Number.isInteger(user) || user < 1) {
    throw new Error(`container user ${user} must be a positive whole number; root (0) is not allowed`);
  }
  return {
    ensureNonRoot: true,
    user,
    group: user,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** Pod-level defaults; `fsGroup` makes mounted volumes writable by the container user. */
export function hardenedPodSecurity(user: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user, group: user, fsGroup: user };
}

export interface ResourceSettings {
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
}

/** Requests and limits in the units of the environment configuration; a limit below its request throws. */
export function containerResources(name: string, { requests, limits }: ResourceSettings): kplus.ContainerResources {
  for (const key of ['cpuMillis', 'memoryMiB'] as const) {
    if (!(requests[key] > 0)) throw new Error(`${name}: requests.${key} must be positive`);
    if (limits[key] < requests[key]) {
      throw new Error(`${name}: limits.${key} (${limits[key]}) is below its request (${requests[key]}); raise the limit or lower the request`);
    }
  }
  return {
    cpu: { request: kplus.Cpu.millis(requests.cpuMillis), limit: kplus.Cpu.millis(limits.cpuMillis) },
    memory: { request: Size.mebibytes(requests.memoryMiB), limit: Size.mebibytes(limits.memoryMiB) },
  };
}

/**
 * Selects a workload's pods by their stable name label only (create the
 * workload with `select: false`). cdk8s-plus always labels pod templates with
 * `cdk8s.io/metadata.addr`, a hash of the construct path; it is removed so
 * templates carry no generated values.
 */
export function selectPodsByName(workload: kplus.Workload, name: string): void {
  workload.select(kplus.LabelSelector.of({ labels: selectorLabels(name) }));
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace('/', '~1')}`));
}

/** A writable scratch directory for a read-only root filesystem, bounded in size. */
export function scratchVolume(scope: kplus.AbstractPod, id: string, name: string, sizeMiB = 64): kplus.Volume {
  return kplus.Volume.fromEmptyDir(scope, id, name, { sizeLimit: Size.mebibytes(sizeMiB) });
}

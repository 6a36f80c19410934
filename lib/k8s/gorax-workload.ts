/**
 * What the API and the worker share: a hardened Deployment whose container
 * exposes its named traffic/health port and `metrics`, probes on the
 * contract's health paths, configuration from `gorax-config` and secrets from
 * `gorax-secrets`, plus its HorizontalPodAutoscaler, PodDisruptionBudget and
 * topology spread.
 */
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { EnvironmentConfig, WorkloadSettings } from '../config/environments';
import { HEALTH_PATHS, PORT_NAMES, PORTS } from '../config/service-contract';
import { checksumAnnotation } from './config-checksum';
import {
  containerResources,
  hardenedContainerSecurity,
  hardenedPodSecurity,
  selectPodsByName,
  RUN_AS,
  scratchVolume,
} from './container-security';
import type { GoraxEnvironment, GoraxService } from './gorax-environment';
import { componentLabels, NAMES, selectorLabels } from './names';
import { PROBE_TIMING } from './probe-timing';
import { IntOrString, KubeHorizontalPodAutoscalerV2, KubePodDisruptionBudget } from 'cdk8s-plus-28/lib/imports/k8s';

export { PROBE_TIMING } from './probe-timing';

/**
 * The image of one service: the Dockerfile's `api` and `worker` targets are
 * pushed as `<repository>-api` and `<repository>-worker` with the same tag.
 */
export function serviceImage(env: EnvironmentConfig, service: GoraxService): string {
  return `${env.image.repository}-${service}:${env.image.tag}`;
}

export interface GoraxWorkloadProps {
  /** Which service: selects its environment variables and the container name. */
  readonly service: GoraxService;
  /** Deployment name, equal to the scrape job. */
  readonly name: typeof NAMES.api | typeof NAMES.worker;
  readonly namespace: string;
  /** Image reference `repository:tag`. */
  readonly image: string;
  readonly settings: WorkloadSettings;
  readonly environment: GoraxEnvironment;
  /** The port serving the health probes: the API's `http` or the worker's `health`. */
  readonly probePort: { readonly name: string; readonly number: number };
  /** How long Kubernetes waits after SIGTERM before SIGKILL. */
  readonly terminationGracePeriodSeconds: number;
  /**
   * Command that starts the process; the image's own CMD runs when unset.
   * @default - the image's CMD
   */
  readonly command?: readonly string[];
}

export class GoraxWorkload extends Construct {
  readonly deployment: kplus.Deployment;
  readonly container: kplus.Container;
  readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: GoraxWorkloadProps) {
    super(scope, id);
    const { name, namespace, settings, probePort } = props;
    if (!Number.isInteger(settings.replicas) || settings.replicas < 1) {
      throw new Error(`${name}: replicas is ${settings.replicas}; set a whole number of at least 1`);
    }
    if (props.image.trim() === '' || props.image.endsWith(':')) {
      throw new Error(`${name}: image "${props.image}" is empty or has no tag; set image.repository and image.tag`);
    }
    if (probePort.number === PORTS.metrics) {
      throw new Error(`${name}: the probe port must not be the metrics port ${PORTS.metrics}; probes go to the traffic or health port`);
    }
    this.podLabels = componentLabels(name, props.service, 'gorax');

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name, namespace, labels: this.podLabels },
      podMetadata: { labels: this.podLabels, annotations: checksumAnnotation(NAMES.goraxConfig, props.environment.data) },
      select: false,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      automountServiceAccountToken: false,
      securityContext: hardenedPodSecurity(RUN_AS.gorax),
      terminationGracePeriod: Duration.seconds(props.terminationGracePeriodSeconds),
    });
    selectPodsByName(this.deployment, name);

    const probe = (path: string, timing: { periodSeconds: number; failureThreshold: number }) =>
      kplus.Probe.fromHttpGet(path, {
        port: probePort.number,
        periodSeconds: Duration.seconds(timing.periodSeconds),
        timeoutSeconds: Duration.seconds(PROBE_TIMING.timeoutSeconds),
        failureThreshold: timing.failureThreshold,
      });

    this.container = this.deployment.addContainer({
      name: props.service,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ...(props.command ? { command: [...props.command] } : {}),
      ports: [
        { name: probePort.name, number: probePort.number },
        { name: PORT_NAMES.metrics, number: PORTS.metrics },
      ],
      envVariables: props.environment.containerEnv(props.service),
      resources: containerResources(name, settings),
      securityContext: hardenedContainerSecurity(RUN_AS.gorax),
      startup: probe(HEALTH_PATHS.startup, PROBE_TIMING.startup),
      liveness: probe(HEALTH_PATHS.live, PROBE_TIMING.liveness),
      readiness: probe(HEALTH_PATHS.ready, PROBE_TIMING.readiness),
    });
    this.container.mount('/tmp', scratchVolume(this.deployment, 'Tmp', 'tmp'));

    // cdk8s-plus-28 spreads with pod anti-affinity only; topologySpreadConstraints
    // balance replicas across zones and nodes without blocking scheduling.
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add(
        '/spec/template/spec/topologySpreadConstraints',
        ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selectorLabels(name) },
        })),
      ),
    );

    // The HPA owns the replica count: the Deployment carries no `replicas`
    // (cdk8s-plus would write 2), so a re-apply, client- or server-side, never
    // resets what the HPA chose. A new Deployment starts at 1 pod and the HPA
    // raises it to minReplicas, which is at least the configured size.
    ApiObject.of(this.deployment).addJsonPatch(JsonPatch.remove('/spec/replicas'));
    // Raw HPA: cdk8s-plus-28's would need the Deployment's own scaling settings.
    const { minReplicas, maxReplicas, cpuUtilizationPercent } = settings.autoscaling;
    if (minReplicas < 1 || maxReplicas < minReplicas) {
      throw new Error(`${name}: autoscaling must have 1 <= minReplicas <= maxReplicas (got ${minReplicas}..${maxReplicas})`);
    }
    if (minReplicas < settings.replicas) {
      throw new Error(`${name}: autoscaling.minReplicas (${minReplicas}) is below replicas (${settings.replicas}); raise minReplicas to at least ${settings.replicas}`);
    }
    new KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name, namespace, labels: this.podLabels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas,
        maxReplicas,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuUtilizationPercent } } },
        ],
      },
    });

    // Raw PDB: cdk8s-plus-28 has no PodDisruptionBudget. maxUnavailable 1
    // (not minAvailable) so a single-replica dev deployment never blocks a drain.
    new KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name, namespace, labels: this.podLabels },
      spec: { maxUnavailable: IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(name) } },
    });
  }
}

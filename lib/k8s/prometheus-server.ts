/**
 * PrometheusServer: one Prometheus with a persistent volume, the least RBAC
 * that pod discovery in the Gorax namespace needs (get/list/watch pods there,
 * nothing cluster-wide), prometheus.yml and the rules in their own
 * ConfigMaps projected side by side, and checksum annotations so a changed
 * configuration rolls the pod.
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeRole, KubeRoleBinding } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { checksumAnnotation } from './config-checksum';
import {
  containerResources,
  hardenedContainerSecurity,
  hardenedPodSecurity,
  selectPodsByName,
  RUN_AS,
  type ResourceSettings,
} from './container-security';
import { namedService } from './named-service';
import { PROMETHEUS_FEATURE_FLAGS } from './prometheus-config';
import { componentLabels, NAMES } from './names';

export const PROMETHEUS_PORT = { name: 'web', number: 9090 } as const;
export const PROMETHEUS_CONFIG_DIR = '/etc/prometheus';
export const PROMETHEUS_CONFIG_FILE = 'prometheus.yml';
const DATA_DIR = '/prometheus';

export interface PrometheusServerProps {
  readonly namespace: string;
  /** Namespace whose pods Prometheus discovers; the only one it may read. */
  readonly targetNamespace: string;
  readonly image: string;
  /** prometheus.yml as rendered by renderPrometheusConfig(). */
  readonly configYaml: string;
  /** Rule files by file name, as prometheus.yml's `rule_files` name them. */
  readonly ruleFiles: Readonly<Record<string, string>>;
  /** Retention time, e.g. `30d`. */
  readonly retention: string;
  readonly storageGi: number;
  readonly resources: ResourceSettings;
  /**
   * Storage class of the data volume.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
}

export class PrometheusServer extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly configMap: kplus.ConfigMap;
  readonly rulesConfigMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: PrometheusServerProps) {
    super(scope, id);
    const { namespace } = props;
    if (Object.keys(props.ruleFiles).length === 0) throw new Error('PrometheusServer: give at least one rule file');
    if (!(Number.isInteger(props.storageGi) && props.storageGi >= 1)) {
      throw new Error(`PrometheusServer: storageGi is ${props.storageGi}; set a whole number of GiB, at least 1`);
    }
    const labels = componentLabels(NAMES.prometheus, 'prometheus', 'gorax-monitoring');

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: NAMES.prometheus, namespace, labels },
      automountToken: true,
    });
    // Raw RBAC so the rules read exactly as the API server applies them.
    new KubeRole(this, 'PodReader', {
      metadata: { name: NAMES.prometheusPodReader, namespace: props.targetNamespace, labels },
      // Pod discovery lists and watches; it never gets a single pod.
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }],
    });
    new KubeRoleBinding(this, 'PodReaderBinding', {
      metadata: { name: NAMES.prometheusPodReader, namespace: props.targetNamespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.prometheusPodReader },
      subjects: [{ kind: 'ServiceAccount', name: NAMES.prometheus, namespace }],
    });

    const configData = { [PROMETHEUS_CONFIG_FILE]: props.configYaml };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: NAMES.prometheusConfig, namespace, labels },
      data: configData,
    });
    this.rulesConfigMap = new kplus.ConfigMap(this, 'Rules', {
      metadata: { name: NAMES.prometheusRules, namespace, labels },
      data: { ...props.ruleFiles },
    });
    const claim = new kplus.PersistentVolumeClaim(this, 'Data', {
      metadata: { name: NAMES.prometheusData, namespace, labels },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: Size.gibibytes(props.storageGi),
      ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: NAMES.prometheus, namespace, labels },
      podMetadata: {
        labels,
        annotations: { ...checksumAnnotation(NAMES.prometheusConfig, configData), ...checksumAnnotation(NAMES.prometheusRules, props.ruleFiles) },
      },
      select: false,
      replicas: 1,
      // The data volume is ReadWriteOnce: the old pod must let go before the new one mounts it.
      strategy: kplus.DeploymentStrategy.recreate(),
      serviceAccount: this.serviceAccount,
      // The only pod that needs a token: pod discovery calls the Kubernetes API.
      automountServiceAccountToken: true,
      securityContext: hardenedPodSecurity(RUN_AS.nobody),
      terminationGracePeriod: Duration.seconds(120),
    });
    selectPodsByName(this.deployment, NAMES.prometheus);

    // Keep 15% of the volume free so compaction never fills it.
    const retentionSizeGiB = Math.max(1, Math.floor(props.storageGi * 0.85));
    const container = this.deployment.addContainer({
      name: 'prometheus',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        `--config.file=${PROMETHEUS_CONFIG_DIR}/${PROMETHEUS_CONFIG_FILE}`,
        `--storage.tsdb.path=${DATA_DIR}`,
        `--storage.tsdb.retention.time=${props.retention}`,
        `--storage.tsdb.retention.size=${retentionSizeGiB}GB`,
        `--web.listen-address=:${PROMETHEUS_PORT.number}`,
        ...PROMETHEUS_FEATURE_FLAGS,
      ],
      ports: [{ name: PROMETHEUS_PORT.name, number: PROMETHEUS_PORT.number }],
      resources: containerResources(NAMES.prometheus, props.resources),
      securityContext: hardenedContainerSecurity(RUN_AS.nobody),
      startup: kplus.Probe.fromHttpGet('/-/ready', { port: PROMETHEUS_PORT.number, periodSeconds: Duration.seconds(10), failureThreshold: 60 }),
      readiness: kplus.Probe.fromHttpGet('/-/ready', { port: PROMETHEUS_PORT.number, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(3) }),
      liveness: kplus.Probe.fromHttpGet('/-/healthy', { port: PROMETHEUS_PORT.number, periodSeconds: Duration.seconds(15), timeoutSeconds: Duration.seconds(3) }),
    });
    container.mount(DATA_DIR, kplus.Volume.fromPersistentVolumeClaim(this.deployment, 'DataVolume', claim, { name: 'data' }));

    // cdk8s-plus-28 has no projected volumes; prometheus.yml and the rule files
    // must sit in one directory so `rule_files` resolve beside the config.
    const pod = ApiObject.of(this.deployment);
    pod.addJsonPatch(
      JsonPatch.add('/spec/template/spec/volumes/-', {
        name: 'config',
        projected: {
          sources: [
            { configMap: { name: NAMES.prometheusConfig } },
            { configMap: { name: NAMES.prometheusRules } },
          ],
        },
      }),
      JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'config', mountPath: PROMETHEUS_CONFIG_DIR, readOnly: true }),
    );

    this.service = namedService(this, 'Service', { name: NAMES.prometheus, namespace, labels, selects: NAMES.prometheus, port: PROMETHEUS_PORT });
  }
}

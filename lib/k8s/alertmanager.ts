/**
 * Alertmanager: one replica (no gossip cluster), its alertmanager.yml in a
 * ConfigMap with a checksum annotation, and the receivers' keys and URLs
 * mounted read-only as files from the `alertmanager-receivers` Secret, which
 * is created out of band and never written here.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments';
import type { ReceiverEndpoints } from './alertmanager-config';
import { checksumAnnotation } from './config-checksum';
import {
  containerResources,
  hardenedContainerSecurity,
  hardenedPodSecurity,
  selectPodsByName,
  RUN_AS,
  scratchVolume,
  type ResourceSettings,
} from './container-security';
import { namedService } from './named-service';
import { componentLabels, NAMES } from './names';

export const ALERTMANAGER_PORT = { name: 'web', number: 9093 } as const;
export const ALERTMANAGER_CONFIG_FILE = 'alertmanager.yml';
const CONFIG_DIR = '/etc/alertmanager';

/** Where the receivers' Secret is mounted, and its keys. */
export const RECEIVER_SECRET_DIR = '/etc/alertmanager/secrets';
export const RECEIVER_SECRET_KEYS = {
  pagingRoutingKey: 'pagerduty-routing-key',
  chatWebhookUrl: 'slack-webhook-url',
  heartbeatToken: 'heartbeat-token',
} as const;

/** The in-cluster receivers: secrets from the mounted Secret, the rest from the environment. */
export function inClusterReceiverEndpoints(env: EnvironmentConfig): ReceiverEndpoints {
  const file = (key: string) => `${RECEIVER_SECRET_DIR}/${key}`;
  return {
    paging: { routingKeyFile: file(RECEIVER_SECRET_KEYS.pagingRoutingKey) },
    chat: { apiUrlFile: file(RECEIVER_SECRET_KEYS.chatWebhookUrl), channel: env.alerting.chatChannel },
    heartbeat: { url: env.alerting.heartbeatUrl, credentialsFile: file(RECEIVER_SECRET_KEYS.heartbeatToken) },
  };
}

export interface AlertmanagerProps {
  readonly namespace: string;
  readonly image: string;
  /** alertmanager.yml as rendered by renderAlertmanagerConfig(). */
  readonly configYaml: string;
  readonly resources: ResourceSettings;
}

export class Alertmanager extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const { namespace } = props;
    const labels = componentLabels(NAMES.alertmanager, 'alertmanager', 'gorax-monitoring');
    const configData = { [ALERTMANAGER_CONFIG_FILE]: props.configYaml };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: NAMES.alertmanagerConfig, namespace, labels },
      data: configData,
    });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: NAMES.alertmanager, namespace, labels },
      podMetadata: { labels, annotations: checksumAnnotation(NAMES.alertmanagerConfig, configData) },
      select: false,
      replicas: 1,
      automountServiceAccountToken: false,
      securityContext: hardenedPodSecurity(RUN_AS.nobody),
    });
    selectPodsByName(this.deployment, NAMES.alertmanager);

    const container = this.deployment.addContainer({
      name: 'alertmanager',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [
        `--config.file=${CONFIG_DIR}/${ALERTMANAGER_CONFIG_FILE}`,
        '--storage.path=/alertmanager',
        `--web.listen-address=:${ALERTMANAGER_PORT.number}`,
        // A single replica: no gossip peers to find.
        '--cluster.listen-address=',
      ],
      ports: [{ name: ALERTMANAGER_PORT.name, number: ALERTMANAGER_PORT.number }],
      resources: containerResources(NAMES.alertmanager, props.resources),
      securityContext: hardenedContainerSecurity(RUN_AS.nobody),
      startup: kplus.Probe.fromHttpGet('/-/ready', { port: ALERTMANAGER_PORT.number, periodSeconds: Duration.seconds(5), failureThreshold: 24 }),
      readiness: kplus.Probe.fromHttpGet('/-/ready', { port: ALERTMANAGER_PORT.number, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(3) }),
      liveness: kplus.Probe.fromHttpGet('/-/healthy', { port: ALERTMANAGER_PORT.number, periodSeconds: Duration.seconds(15), timeoutSeconds: Duration.seconds(3) }),
    });
    container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(this.deployment, 'ConfigVolume', this.configMap, { name: 'config' }), { readOnly: true });
    container.mount(
      RECEIVER_SECRET_DIR,
      kplus.Volume.fromSecret(this.deployment, 'ReceiversVolume', kplus.Secret.fromSecretName(this, 'Receivers', NAMES.alertmanagerReceivers), {
        name: 'receivers',
      }),
      { readOnly: true },
    );
    container.mount('/alertmanager', scratchVolume(this.deployment, 'Storage', 'storage'));

    this.service = namedService(this, 'Service', { name: NAMES.alertmanager, namespace, labels, selects: NAMES.alertmanager, port: ALERTMANAGER_PORT });
  }
}

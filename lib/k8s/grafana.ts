/**
 * Grafana with everything provisioned from files: the Prometheus and Jaeger
 * data sources, a dashboard provider for the Gorax folder, and the dashboards
 * (one ConfigMap key per dashboard uid). Admin credentials come from the
 * `grafana-admin` Secret; checksum annotations roll the pod on any change.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { dashboardJson, type DashboardModel } from '../../dashboards-src';
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

export const GRAFANA_PORT = { name: 'http', number: 3000 } as const;
export const GRAFANA_FOLDER = 'Gorax';
/** Data source uids the dashboards can name. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', jaeger: 'jaeger' } as const;
const PROVISIONING_DIR = '/etc/grafana/provisioning';
/**
 * Where Grafana writes: its SQLite database, sessions and plugins (data), log
 * files should the log mode ever include `file` (logs), and uploads and
 * renderer scratch files (tmp). Each is an emptyDir: the dashboards and data
 * sources are provisioned from ConfigMaps, so nothing there needs to persist.
 */
export const GRAFANA_WRITABLE_PATHS = { data: '/var/lib/grafana', logs: '/var/log/grafana', tmp: '/tmp' } as const;
const DASHBOARDS_DIR = '/var/lib/grafana-dashboards/gorax';
/** A ConfigMap may hold at most 1 MiB. */
const CONFIG_MAP_LIMIT_BYTES = 1024 * 1024;

export interface GrafanaProps {
  readonly namespace: string;
  readonly image: string;
  readonly resources: ResourceSettings;
  /** In-cluster URL of Prometheus. */
  readonly prometheusUrl: string;
  /** In-cluster URL of Jaeger's query API. */
  readonly jaegerUrl: string;
  /** The external URL Grafana is served at, for the links it renders (GF_SERVER_ROOT_URL). */
  readonly rootUrl: string;
  /** The dashboards to provision, any number. */
  readonly dashboards: readonly DashboardModel[];
}

/** provisioning/datasources/gorax.yaml */
export function grafanaDatasources(prometheusUrl: string, jaegerUrl: string): string {
  return stringify(
    {
      apiVersion: 1,
      datasources: [
        { name: 'Prometheus', uid: DATASOURCE_UIDS.prometheus, type: 'prometheus', access: 'proxy', url: prometheusUrl, isDefault: true, editable: false },
        { name: 'Jaeger', uid: DATASOURCE_UIDS.jaeger, type: 'jaeger', access: 'proxy', url: jaegerUrl, editable: false },
      ],
    },
    { lineWidth: 0 },
  );
}

/** provisioning/dashboards/gorax.yaml: files in DASHBOARDS_DIR, in the Gorax folder, not editable in the UI. */
export function grafanaDashboardProvider(): string {
  return stringify(
    {
      apiVersion: 1,
      providers: [
        {
          name: 'gorax',
          folder: GRAFANA_FOLDER,
          type: 'file',
          disableDeletion: true,
          allowUiUpdates: false,
          options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
        },
      ],
    },
    { lineWidth: 0 },
  );
}

/** ConfigMap data: `<uid>.json` per dashboard; duplicate or invalid uids throw. */
export function dashboardConfigMapData(dashboards: readonly DashboardModel[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const dashboard of dashboards) {
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(dashboard.uid)) {
      throw new Error(`dashboard "${dashboard.title}": uid "${dashboard.uid}" cannot be a ConfigMap key; use letters, digits, '-', '_' or '.' (at most 40)`);
    }
    const key = `${dashboard.uid}.json`;
    if (key in data) throw new Error(`dashboard uid "${dashboard.uid}" is used twice; give every dashboard its own uid`);
    // The same bytes as dist/dashboards/<uid>.json.
    data[key] = dashboardJson(dashboard);
  }
  const bytes = Object.entries(data).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > CONFIG_MAP_LIMIT_BYTES * 0.9) {
    throw new Error(`the dashboards take ${bytes} bytes, too close to the 1 MiB ConfigMap limit; split them over several ConfigMaps`);
  }
  return data;
}

export class Grafana extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly dashboardsConfigMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const { namespace } = props;
    const labels = componentLabels(NAMES.grafana, 'grafana', 'gorax-monitoring');
    const datasourceData = { 'gorax.yaml': grafanaDatasources(props.prometheusUrl, props.jaegerUrl) };
    const providerData = { 'gorax.yaml': grafanaDashboardProvider() };
    const dashboardData = dashboardConfigMapData(props.dashboards);

    const datasources = new kplus.ConfigMap(this, 'Datasources', { metadata: { name: NAMES.grafanaDatasources, namespace, labels }, data: datasourceData });
    const provider = new kplus.ConfigMap(this, 'Provider', { metadata: { name: NAMES.grafanaDashboardProvider, namespace, labels }, data: providerData });
    this.dashboardsConfigMap = new kplus.ConfigMap(this, 'Dashboards', { metadata: { name: NAMES.grafanaDashboards, namespace, labels }, data: dashboardData });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: NAMES.grafana, namespace, labels },
      podMetadata: {
        labels,
        annotations: {
          ...checksumAnnotation(NAMES.grafanaDatasources, datasourceData),
          ...checksumAnnotation(NAMES.grafanaDashboardProvider, providerData),
          ...checksumAnnotation(NAMES.grafanaDashboards, dashboardData),
        },
      },
      select: false,
      replicas: 1,
      automountServiceAccountToken: false,
      securityContext: hardenedPodSecurity(RUN_AS.grafana),
    });
    selectPodsByName(this.deployment, NAMES.grafana);

    const admin = kplus.Secret.fromSecretName(this, 'Admin', NAMES.grafanaAdmin);
    const container = this.deployment.addContainer({
      name: 'grafana',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: GRAFANA_PORT.name, number: GRAFANA_PORT.number }],
      envVariables: {
        GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromSecretValue({ secret: admin, key: 'admin-user' }),
        GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: admin, key: 'admin-password' }),
        GF_SERVER_ROOT_URL: kplus.EnvValue.fromValue(props.rootUrl),
        GF_PATHS_PROVISIONING: kplus.EnvValue.fromValue(PROVISIONING_DIR),
        // The root filesystem is read-only: every path Grafana writes is an emptyDir below.
        GF_PATHS_DATA: kplus.EnvValue.fromValue(GRAFANA_WRITABLE_PATHS.data),
        GF_PATHS_PLUGINS: kplus.EnvValue.fromValue(`${GRAFANA_WRITABLE_PATHS.data}/plugins`),
        GF_PATHS_LOGS: kplus.EnvValue.fromValue(GRAFANA_WRITABLE_PATHS.logs),
        // Logs to stdout only: Grafana's own default, `console file`, opens a file under
        // GF_PATHS_LOGS (the image's run.sh happens to pass console; do not rely on it).
        GF_LOG_MODE: kplus.EnvValue.fromValue('console'),
        // No egress to grafana.com: the NetworkPolicy would drop it anyway.
        GF_ANALYTICS_REPORTING_ENABLED: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_UPDATES: kplus.EnvValue.fromValue('false'),
        GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: kplus.EnvValue.fromValue('false'),
        GF_USERS_ALLOW_SIGN_UP: kplus.EnvValue.fromValue('false'),
      },
      resources: containerResources(NAMES.grafana, props.resources),
      securityContext: hardenedContainerSecurity(RUN_AS.grafana),
      startup: kplus.Probe.fromHttpGet('/api/health', { port: GRAFANA_PORT.number, periodSeconds: Duration.seconds(5), failureThreshold: 36 }),
      readiness: kplus.Probe.fromHttpGet('/api/health', { port: GRAFANA_PORT.number, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(3) }),
      liveness: kplus.Probe.fromHttpGet('/api/health', { port: GRAFANA_PORT.number, periodSeconds: Duration.seconds(15), timeoutSeconds: Duration.seconds(3) }),
    });
    container.mount(`${PROVISIONING_DIR}/datasources`, kplus.Volume.fromConfigMap(this.deployment, 'DatasourcesVolume', datasources, { name: 'datasources' }), { readOnly: true });
    container.mount(`${PROVISIONING_DIR}/dashboards`, kplus.Volume.fromConfigMap(this.deployment, 'ProviderVolume', provider, { name: 'dashboard-provider' }), { readOnly: true });
    container.mount(DASHBOARDS_DIR, kplus.Volume.fromConfigMap(this.deployment, 'DashboardsVolume', this.dashboardsConfigMap, { name: 'dashboards' }), { readOnly: true });
    container.mount(GRAFANA_WRITABLE_PATHS.data, scratchVolume(this.deployment, 'Data', 'data', 256));
    container.mount(GRAFANA_WRITABLE_PATHS.logs, scratchVolume(this.deployment, 'Logs', 'logs'));
    container.mount(GRAFANA_WRITABLE_PATHS.tmp, scratchVolume(this.deployment, 'Tmp', 'tmp'));

    this.service = namedService(this, 'Service', { name: NAMES.grafana, namespace, labels, selects: NAMES.grafana, port: GRAFANA_PORT });
  }
}

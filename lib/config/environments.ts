/**
 * The one typed configuration of each environment. Workloads take their
 * resources and replicas from here, and the HighMemoryUsage alert takes the
 * same memory limits, so the two cannot drift apart.
 */

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface ComputeResources {
  /** CPU in millicores. */
  readonly cpuMillis: number;
  /** Memory in MiB. */
  readonly memoryMiB: number;
}

export interface WorkloadSettings {
  /**
   * The size the environment runs at when idle. The HPA owns the Deployment's
   * replica count, so this is enforced as its floor: autoscaling.minReplicas
   * must be at least this (validateEnvironment).
   */
  readonly replicas: number;
  /** HorizontalPodAutoscaler bounds; minReplicas >= replicas. */
  readonly autoscaling: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilizationPercent: number };
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
}

/** Where the Gorax and monitoring pods may talk to, beyond each other (NetworkPolicies). */
export interface NetworkSettings {
  /** Namespace of the ingress controller: the only namespace whose pods may reach the API's `http` port. */
  readonly ingressNamespace: string;
  /**
   * CIDR of the Kubernetes API server, which Prometheus' pod discovery calls. The API server is not
   * a pod, so a NetworkPolicy can only name it by address; narrow it to the cluster's endpoint.
   */
  readonly kubernetesApiCidr: string;
  /** CIDR of PostgreSQL and Redis (DATABASE_URL, REDIS_URL), which the services reach on 5432 and 6379. */
  readonly dependencyCidr: string;
}

/** Alertmanager receivers' non-secret settings; their keys and URLs come from files mounted from a Secret. */
export interface AlertingSettings {
  /** Slack channel that warnings go to. */
  readonly chatChannel: string;
  /** Heartbeat (dead man's switch) endpoint that the always-firing Watchdog keeps alive. */
  readonly heartbeatUrl: string;
}

/** Images of the monitoring stack, pinned. */
export interface MonitoringImages {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly grafana: string;
  readonly jaeger: string;
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** Namespace of the Gorax workloads. */
  readonly namespace: string;
  /** Namespace of Prometheus, Alertmanager, Grafana and Jaeger. */
  readonly monitoringNamespace: string;
  /** The `cluster` external label. */
  readonly cluster: string;
  readonly image: { readonly repository: string; readonly tag: string };
  readonly api: WorkloadSettings;
  readonly worker: WorkloadSettings & { readonly concurrency: number };
  readonly tracing: { readonly sampleRate: number };
  readonly prometheus: {
    readonly retention: string;
    readonly storageGi: number;
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
  };
  /** Where `runbook_url` annotations point: `<base>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  /**
   * Grafana's external URL, the one on-call engineers open from a page or a
   * chat message: `dashboard_url` annotations point at `<base>/d/<uid>`, and
   * Grafana's own links (GF_SERVER_ROOT_URL) use it. Never the in-cluster
   * Service address, which does not resolve outside the cluster.
   */
  readonly grafanaBaseUrl: string;
  readonly network: NetworkSettings;
  readonly alerting: AlertingSettings;
  readonly monitoringImages: MonitoringImages;
}

const RUNBOOK_BASE_URL = 'https://github.com/gorax/gorax-observability/blob/main/docs/runbooks';

/** Placeholder external Grafana URLs (gorax.example is reserved): set each to where your ingress serves Grafana. */
function grafanaExternalUrl(env: EnvironmentName): string {
  return `https://grafana.${env}.gorax.example`;
}

/** Dev only: any address, so a laptop or shared dev cluster works unconfigured. */
const DEV_NETWORK: NetworkSettings = {
  ingressNamespace: 'ingress-nginx',
  kubernetesApiCidr: '0.0.0.0/0',
  dependencyCidr: '0.0.0.0/0',
};

/**
 * Staging and production: the RFC 1918 10/8 range, so no pod can reach the
 * internet on 5432/6379 or 443 by these rules. A placeholder to narrow per
 * cluster (README, "Before kubectl apply"): the database and Redis subnets, and
 * the API server's endpoint. validateEnvironment refuses anything wider than /8
 * outside dev.
 */
const PRIVATE_NETWORK: NetworkSettings = {
  ingressNamespace: 'ingress-nginx',
  kubernetesApiCidr: '10.0.0.0/8',
  dependencyCidr: '10.0.0.0/8',
};

/** Outside dev a NetworkPolicy CIDR may be no wider than this prefix. */
const WIDEST_PREFIX_OUTSIDE_DEV = 8;

const MONITORING_IMAGES: MonitoringImages = {
  prometheus: 'quay.io/prometheus/prometheus:v2.53.4',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.27.0',
  grafana: 'docker.io/grafana/grafana:11.3.0',
  jaeger: 'docker.io/jaegertracing/all-in-one:1.62.0',
};

// The issue asks for "production 3 replicas" and "HPA 2-10" (worker 2-20). An HPA
// floor of 2 would let production shrink below its 3 replicas, so the HPA's floor
// is the production size, 3: a node drain (PDB maxUnavailable 1) still leaves 2.
const productionApi: WorkloadSettings = {
  replicas: 3,
  autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 70 },
  requests: { cpuMillis: 250, memoryMiB: 256 },
  limits: { cpuMillis: 500, memoryMiB: 512 },
};

const productionWorker: WorkloadSettings & { concurrency: number } = {
  replicas: 3,
  autoscaling: { minReplicas: 3, maxReplicas: 20, cpuUtilizationPercent: 70 },
  requests: { cpuMillis: 500, memoryMiB: 512 },
  limits: { cpuMillis: 1000, memoryMiB: 1024 },
  concurrency: 10,
};

export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    name: 'dev',
    namespace: 'gorax',
    monitoringNamespace: 'gorax-monitoring',
    cluster: 'gorax-dev',
    image: { repository: 'ghcr.io/gorax/gorax', tag: '0.1.0' },
    api: {
      replicas: 1,
      autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilizationPercent: 70 },
      requests: { cpuMillis: 100, memoryMiB: 128 },
      limits: { cpuMillis: 500, memoryMiB: 512 },
    },
    worker: {
      replicas: 1,
      autoscaling: { minReplicas: 1, maxReplicas: 2, cpuUtilizationPercent: 70 },
      requests: { cpuMillis: 100, memoryMiB: 256 },
      limits: { cpuMillis: 1000, memoryMiB: 1024 },
      concurrency: 10,
    },
    tracing: { sampleRate: 1.0 },
    prometheus: { retention: '2d', storageGi: 5, scrapeInterval: '15s', evaluationInterval: '15s' },
    runbookBaseUrl: RUNBOOK_BASE_URL,
    grafanaBaseUrl: grafanaExternalUrl('dev'),
    network: DEV_NETWORK,
    alerting: { chatChannel: '#gorax-alerts-dev', heartbeatUrl: 'https://heartbeat.gorax.example/ping/gorax-dev' },
    monitoringImages: MONITORING_IMAGES,
  },
  staging: {
    name: 'staging',
    namespace: 'gorax',
    monitoringNamespace: 'gorax-monitoring',
    cluster: 'gorax-staging',
    image: { repository: 'ghcr.io/gorax/gorax', tag: '0.1.0' },
    api: { ...productionApi, replicas: 2, autoscaling: { ...productionApi.autoscaling, minReplicas: 2 } },
    worker: { ...productionWorker, replicas: 2, autoscaling: { ...productionWorker.autoscaling, minReplicas: 2 } },
    tracing: { sampleRate: 0.5 },
    prometheus: { retention: '7d', storageGi: 20, scrapeInterval: '15s', evaluationInterval: '15s' },
    runbookBaseUrl: RUNBOOK_BASE_URL,
    grafanaBaseUrl: grafanaExternalUrl('staging'),
    network: PRIVATE_NETWORK,
    alerting: { chatChannel: '#gorax-alerts-staging', heartbeatUrl: 'https://heartbeat.gorax.example/ping/gorax-staging' },
    monitoringImages: MONITORING_IMAGES,
  },
  production: {
    name: 'production',
    namespace: 'gorax',
    monitoringNamespace: 'gorax-monitoring',
    cluster: 'gorax-production',
    image: { repository: 'ghcr.io/gorax/gorax', tag: '0.1.0' },
    api: productionApi,
    worker: productionWorker,
    tracing: { sampleRate: 0.1 },
    prometheus: { retention: '30d', storageGi: 100, scrapeInterval: '15s', evaluationInterval: '15s' },
    runbookBaseUrl: RUNBOOK_BASE_URL,
    grafanaBaseUrl: grafanaExternalUrl('production'),
    network: PRIVATE_NETWORK,
    alerting: { chatChannel: '#gorax-alerts', heartbeatUrl: 'https://heartbeat.gorax.example/ping/gorax-production' },
    monitoringImages: MONITORING_IMAGES,
  },
};

/** The configuration of a named environment; an unknown name throws with the accepted ones. */
export function environmentConfig(name: string): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown environment "${name}"; use one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return validateEnvironment(ENVIRONMENTS[name as EnvironmentName]);
}

/** Throws, with what to change, on a configuration that cannot be deployed as written. */
export function validateEnvironment(config: EnvironmentConfig): EnvironmentConfig {
  const where = `environment "${config.name}"`;
  for (const [workload, settings] of [['api', config.api], ['worker', config.worker]] as const) {
    if (!Number.isInteger(settings.replicas) || settings.replicas < 1) {
      throw new Error(`${where}: ${workload}.replicas is ${settings.replicas}; set a whole number of at least 1`);
    }
    const { minReplicas, maxReplicas } = settings.autoscaling;
    if (minReplicas < 1 || maxReplicas < minReplicas) {
      throw new Error(`${where}: ${workload}.autoscaling must have 1 <= minReplicas <= maxReplicas (got ${minReplicas}..${maxReplicas})`);
    }
    if (minReplicas < settings.replicas) {
      throw new Error(
        `${where}: ${workload}.autoscaling.minReplicas (${minReplicas}) is below ${workload}.replicas (${settings.replicas}), so the HPA could shrink it below its size; raise minReplicas to at least ${settings.replicas} or lower replicas`,
      );
    }
    for (const resource of ['cpuMillis', 'memoryMiB'] as const) {
      if (!(settings.requests[resource] > 0)) {
        throw new Error(`${where}: ${workload}.requests.${resource} must be positive`);
      }
      if (settings.limits[resource] < settings.requests[resource]) {
        throw new Error(
          `${where}: ${workload}.limits.${resource} (${settings.limits[resource]}) is below its request (${settings.requests[resource]}); raise the limit or lower the request`,
        );
      }
    }
  }
  if (!Number.isInteger(config.worker.concurrency) || config.worker.concurrency < 1) {
    throw new Error(`${where}: worker.concurrency is ${config.worker.concurrency}; set a whole number of at least 1`);
  }
  if (!(config.tracing.sampleRate >= 0 && config.tracing.sampleRate <= 1)) {
    throw new Error(`${where}: tracing.sampleRate is ${config.tracing.sampleRate}; set a number from 0 to 1`);
  }
  if (config.image.repository.trim() === '' || config.image.tag.trim() === '') {
    throw new Error(`${where}: image.repository and image.tag must not be empty`);
  }
  for (const [component, image] of Object.entries(config.monitoringImages)) {
    if (image.trim() === '') throw new Error(`${where}: monitoringImages.${component} must not be empty; set a pinned image`);
  }
  if (!(Number.isInteger(config.prometheus.storageGi) && config.prometheus.storageGi >= 1)) {
    throw new Error(`${where}: prometheus.storageGi is ${config.prometheus.storageGi}; set a whole number of GiB, at least 1`);
  }
  if (!/^\d+[dhmwy]$/.test(config.prometheus.retention)) {
    throw new Error(`${where}: prometheus.retention "${config.prometheus.retention}" is not a duration such as 15d`);
  }
  const namespaces = { namespace: config.namespace, monitoringNamespace: config.monitoringNamespace, 'network.ingressNamespace': config.network.ingressNamespace };
  for (const [key, value] of Object.entries(namespaces)) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
      throw new Error(`${where}: ${key} "${value}" is not a namespace name (lowercase letters, digits and '-', at most 63)`);
    }
  }
  if (config.namespace === config.monitoringNamespace) {
    throw new Error(`${where}: namespace and monitoringNamespace are both "${config.namespace}"; give the monitoring stack its own namespace`);
  }
  for (const key of ['kubernetesApiCidr', 'dependencyCidr'] as const) {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(config.network[key])) {
      throw new Error(`${where}: network.${key} "${config.network[key]}" is not an IPv4 CIDR such as 10.0.0.0/16`);
    }
    const prefix = Number(config.network[key].split('/')[1]);
    if (config.name !== 'dev' && prefix < WIDEST_PREFIX_OUTSIDE_DEV) {
      const what = key === 'dependencyCidr' ? 'the subnets of PostgreSQL and Redis (DATABASE_URL, REDIS_URL)' : "the Kubernetes API server's endpoint addresses";
      throw new Error(
        `${where}: network.${key} "${config.network[key]}" lets every pod reach ${prefix === 0 ? 'any address' : 'a /' + prefix + ' range'}; set it to ${what}, no wider than /${WIDEST_PREFIX_OUTSIDE_DEV}`,
      );
    }
  }
  const grafanaHost = /^https:\/\/([^/:\s]+)(:\d+)?(\/\S*)?$/.exec(config.grafanaBaseUrl)?.[1];
  if (grafanaHost === undefined || config.grafanaBaseUrl.endsWith('/')) {
    throw new Error(`${where}: grafanaBaseUrl "${config.grafanaBaseUrl}" must be an https URL without a trailing slash, such as https://grafana.example.com`);
  }
  if (/\.svc(\.|$)|\.cluster\.local$|^localhost$|^[^.]+$/.test(grafanaHost)) {
    throw new Error(
      `${where}: grafanaBaseUrl "${config.grafanaBaseUrl}" is an in-cluster address that on-call engineers cannot open from an alert; set Grafana's external URL`,
    );
  }
  if (!/^https?:\/\/\S+$/.test(config.alerting.heartbeatUrl)) {
    throw new Error(`${where}: alerting.heartbeatUrl "${config.alerting.heartbeatUrl}" must be an http(s) URL`);
  }
  return config;
}

/** Bytes of a MiB quantity, for expressions that compare with byte-valued metrics. */
export function mebibytes(miB: number): number {
  return miB * 1024 * 1024;
}

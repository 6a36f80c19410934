/**
 * prometheus.yml as a plain function of where the targets are, so the same
 * code writes the in-cluster configuration (Kubernetes pod discovery) and the
 * loopback one of `npm run stack` (static targets). The scrape jobs are the
 * catalog's JOBS; in Kubernetes each keeps only its own pods (by the name
 * label the workloads carry) and only their `metrics` port.
 */
import { stringify } from 'yaml';
import { JOBS, type Job } from '../catalog/target-labels';
import { METRICS_PATH, PORT_NAMES } from '../config/service-contract';
import { NAME_LABEL } from './names';

/** Pods of a namespace, found through the Kubernetes API. */
export interface KubernetesPodTargets {
  readonly kind: 'kubernetes-pods';
  /** Namespace of the Gorax pods; discovery never looks elsewhere. */
  readonly namespace: string;
  /**
   * API server to discover through.
   * @default - in-cluster (the pod's service account)
   */
  readonly apiServer?: string;
}

/** Fixed `host:port` addresses per job, e.g. processes on loopback. */
export interface StaticTargets {
  readonly kind: 'static';
  readonly targets: Readonly<Record<Job, readonly string[]>>;
}

export type ScrapeTargets = KubernetesPodTargets | StaticTargets;

export interface PrometheusConfigOptions {
  readonly targets: ScrapeTargets;
  /** Alertmanager addresses, `host:port`. */
  readonly alertmanagers: readonly string[];
  readonly externalLabels: { readonly cluster: string; readonly environment: string };
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** Rule files, relative to prometheus.yml (Prometheus resolves them from its directory). */
  readonly ruleFiles: readonly string[];
}

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly regex?: string;
  readonly action?: 'keep' | 'drop' | 'replace';
  readonly target_label?: string;
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly metrics_path: string;
  readonly scheme: 'http';
  readonly kubernetes_sd_configs?: readonly Record<string, unknown>[];
  readonly static_configs?: readonly { readonly targets: readonly string[] }[];
  readonly relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly rule_files: readonly string[];
  readonly alerting: { readonly alertmanagers: readonly { readonly static_configs: readonly { readonly targets: readonly string[] }[] }[] };
  readonly scrape_configs: readonly ScrapeConfig[];
}

/** `app.kubernetes.io/name` as Prometheus names the pod label in discovery metadata. */
export const POD_NAME_LABEL_META = `__meta_kubernetes_pod_label_${NAME_LABEL.replace(/[^a-zA-Z0-9_]/g, '_')}`;

function kubernetesScrapeConfig(job: Job, targets: KubernetesPodTargets): ScrapeConfig {
  return {
    job_name: job,
    metrics_path: METRICS_PATH,
    scheme: 'http',
    kubernetes_sd_configs: [
      {
        role: 'pod',
        ...(targets.apiServer ? { api_server: targets.apiServer } : {}),
        namespaces: { names: [targets.namespace] },
        // Server-side filter: only this workload's pods are listed and watched.
        selectors: [{ role: 'pod', label: `${NAME_LABEL}=${job}` }],
      },
    ],
    relabel_configs: [
      // The selector above narrows the watch; these two decide what is scraped.
      { source_labels: [POD_NAME_LABEL_META], regex: job, action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: PORT_NAMES.metrics, action: 'keep' },
      // Finished pods keep their IP for a while; scraping them only produces `up == 0`.
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Succeeded|Failed', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
    ],
  };
}

function staticScrapeConfig(job: Job, targets: StaticTargets): ScrapeConfig {
  const addresses = targets.targets[job];
  if (addresses.length === 0) throw new Error(`static targets: job ${job} has no address; give it at least one host:port`);
  return { job_name: job, metrics_path: METRICS_PATH, scheme: 'http', static_configs: [{ targets: [...addresses] }] };
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export function prometheusConfig(options: PrometheusConfigOptions): PrometheusConfig {
  if (options.alertmanagers.length === 0) throw new Error('prometheus config: give at least one Alertmanager host:port');
  for (const address of options.alertmanagers) {
    if (!HOST_PORT.test(address)) throw new Error(`prometheus config: alertmanager "${address}" is not host:port`);
  }
  const jobs = [JOBS.api, JOBS.worker] as const;
  return {
    global: {
      scrape_interval: options.scrapeInterval,
      evaluation_interval: options.evaluationInterval,
      external_labels: { cluster: options.externalLabels.cluster, environment: options.externalLabels.environment },
    },
    rule_files: [...options.ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...options.alertmanagers] }] }] },
    scrape_configs: jobs.map((job) =>
      options.targets.kind === 'kubernetes-pods'
        ? kubernetesScrapeConfig(job, options.targets)
        : staticScrapeConfig(job, options.targets),
    ),
  };
}

/** prometheus.yml, byte-identical for identical input. */
export function renderPrometheusConfig(config: PrometheusConfig): string {
  return stringify(config, { lineWidth: 0 });
}

/**
 * Feature flags every Prometheus we run gets, in the cluster and in the local
 * stack: exemplar storage, so the trace ids the services attach to their
 * duration histograms lead from a latency point to its trace.
 */
export const PROMETHEUS_FEATURE_FLAGS: readonly string[] = ['--enable-feature=exemplar-storage'];

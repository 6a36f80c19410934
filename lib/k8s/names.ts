/**
 * Stable names of every Kubernetes object and the labels that select pods.
 * Runbooks, scrape configurations and NetworkPolicies rely on these, so they
 * are written out here instead of being derived (and hashed) by cdk8s.
 */
import { JOBS } from '../catalog/target-labels';

export const NAMES = {
  /** The Gorax workloads; equal to their scrape jobs so a `job` label names its Deployment. */
  api: JOBS.api,
  worker: JOBS.worker,
  goraxConfig: 'gorax-config',
  /** Created out of band (never in git): DATABASE_URL, REDIS_URL, SENTRY_DSN. */
  goraxSecrets: 'gorax-secrets',
  prometheus: 'prometheus',
  prometheusConfig: 'prometheus-config',
  prometheusRules: 'prometheus-rules',
  prometheusData: 'prometheus-data',
  prometheusPodReader: 'prometheus-pod-reader',
  alertmanager: 'alertmanager',
  alertmanagerConfig: 'alertmanager-config',
  /** Created out of band: the receivers' keys and URLs, mounted as files. */
  alertmanagerReceivers: 'alertmanager-receivers',
  grafana: 'grafana',
  /** Created out of band: keys `admin-user` and `admin-password`. */
  grafanaAdmin: 'grafana-admin',
  grafanaDatasources: 'grafana-datasources',
  grafanaDashboardProvider: 'grafana-dashboard-provider',
  grafanaDashboards: 'grafana-dashboards',
  jaeger: 'jaeger',
  jaegerCollector: 'jaeger-collector',
  jaegerQuery: 'jaeger-query',
} as const;

/** The label every selector here uses; Prometheus' scrape jobs keep pods by it. */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** Labels a workload's selector matches: only its name, so they never change after the first apply. */
export function selectorLabels(name: string): Record<string, string> {
  return { [NAME_LABEL]: name };
}

/** Labels of every object of a component. */
export function componentLabels(name: string, component: string, partOf: 'gorax' | 'gorax-monitoring'): Record<string, string> {
  return {
    [NAME_LABEL]: name,
    'app.kubernetes.io/component': component,
    [PART_OF_LABEL]: partOf,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** In-cluster DNS name of a Service. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc`;
}

/**
 * Everything the Kubernetes part of `npm run synth` writes: per environment
 * one file per chart (kubectl applies a directory in file-name order, and
 * each chart's Namespace comes first in its file), plus production's
 * prometheus.yml and alertmanager.yml.
 */
import { App, Yaml, type Chart } from 'cdk8s';
import type { DashboardModel } from '../../dashboards-src';
import { ENVIRONMENT_NAMES, environmentConfig, type EnvironmentConfig } from '../config/environments';
import { renderAlertmanagerConfig } from './alertmanager-config';
import { GoraxChart } from './gorax-chart';
import { inClusterAlertmanagerConfig, inClusterPrometheusConfig, MonitoringChart } from './monitoring-chart';
import { renderPrometheusConfig } from './prometheus-config';

/** Paths below the output directory, fixed by the contract. */
export const KUBERNETES_OUTPUT_PATHS = {
  prometheus: 'prometheus/prometheus.yml',
  alertmanager: 'alertmanager/alertmanager.yml',
  manifests: (env: string, chart: string) => `${env}/${chart}.k8s.yaml`,
} as const;

/** A Kubernetes object as synthesized. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface ManifestFile {
  /** Path below the output directory. */
  readonly path: string;
  readonly objects: readonly KubeObject[];
  readonly yaml: string;
}

export interface EnvironmentManifestOptions {
  /** @default goraxDashboards() */
  readonly dashboards?: readonly DashboardModel[];
}

function validateConstructs(app: App): void {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length > 0) throw new Error(`invalid constructs:\n  ${errors.join('\n  ')}`);
}

/** The manifests of one environment, from its configuration. */
export function environmentManifests(env: EnvironmentConfig, options: EnvironmentManifestOptions = {}): readonly ManifestFile[] {
  const app = new App();
  const charts: Chart[] = [
    new GoraxChart(app, 'gorax', { env }),
    new MonitoringChart(app, 'monitoring', { env, ...(options.dashboards ? { dashboards: options.dashboards } : {}) }),
  ];
  validateConstructs(app);
  return charts.map((chart) => {
    const objects = chart.toJson() as KubeObject[];
    return { path: KUBERNETES_OUTPUT_PATHS.manifests(env.name, chart.node.id), objects, yaml: Yaml.stringify(...objects) };
  });
}

/** Every Kubernetes output by path; an invalid environment throws with what to change. */
export function kubernetesOutputs(): ReadonlyMap<string, string> {
  const outputs = new Map<string, string>();
  for (const name of ENVIRONMENT_NAMES) {
    for (const file of environmentManifests(environmentConfig(name))) outputs.set(file.path, file.yaml);
  }
  const production = environmentConfig('production');
  outputs.set(KUBERNETES_OUTPUT_PATHS.prometheus, renderPrometheusConfig(inClusterPrometheusConfig(production)));
  outputs.set(KUBERNETES_OUTPUT_PATHS.alertmanager, renderAlertmanagerConfig(inClusterAlertmanagerConfig(production)));
  return outputs;
}

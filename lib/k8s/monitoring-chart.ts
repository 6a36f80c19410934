/**
 * The monitoring namespace of one environment: Prometheus (scraping the Gorax
 * pods, evaluating the foundation's rules), Alertmanager, Grafana with the
 * dashboards, Jaeger, and the namespace's NetworkPolicies. Also the in-cluster
 * prometheus.yml and alertmanager.yml that `dist/` carries.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { goraxRuleGroups } from '../../alerts-src';
import { goraxDashboards, type DashboardModel } from '../../dashboards-src';
import type { EnvironmentConfig } from '../config/environments';
import { buildRuleFile, renderRuleFile } from '../rules/rule-file';
import { Alertmanager, ALERTMANAGER_PORT, inClusterReceiverEndpoints } from './alertmanager';
import { alertmanagerConfig, renderAlertmanagerConfig, type AlertmanagerConfig } from './alertmanager-config';
import { RESTRICTED_NAMESPACE_LABELS } from './gorax-chart';
import { Grafana } from './grafana';
import { Jaeger, JAEGER_PORTS } from './jaeger';
import { monitoringResources } from './monitoring-resources';
import { NAMES, serviceHost } from './names';
import { MonitoringNetworkPolicies } from './network-policies';
import { prometheusConfig, renderPrometheusConfig, type PrometheusConfig } from './prometheus-config';
import { PROMETHEUS_PORT, PrometheusServer } from './prometheus-server';

/** The rule file's name beside prometheus.yml (and its ConfigMap key). */
export const RULES_FILE = 'gorax.rules.yml';

/** The environment's rule file: the same one `dist/rules/` carries for production. */
export function environmentRulesYaml(env: EnvironmentConfig): string {
  return renderRuleFile(buildRuleFile(goraxRuleGroups(env), env));
}

export function inClusterPrometheusConfig(env: EnvironmentConfig): PrometheusConfig {
  return prometheusConfig({
    targets: { kind: 'kubernetes-pods', namespace: env.namespace },
    alertmanagers: [`${serviceHost(NAMES.alertmanager, env.monitoringNamespace)}:${ALERTMANAGER_PORT.number}`],
    externalLabels: { cluster: env.cluster, environment: env.name },
    scrapeInterval: env.prometheus.scrapeInterval,
    evaluationInterval: env.prometheus.evaluationInterval,
    ruleFiles: [RULES_FILE],
  });
}

export function inClusterAlertmanagerConfig(env: EnvironmentConfig): AlertmanagerConfig {
  return alertmanagerConfig(inClusterReceiverEndpoints(env));
}

export interface MonitoringChartProps {
  readonly env: EnvironmentConfig;
  /** @default goraxDashboards() */
  readonly dashboards?: readonly DashboardModel[];
}

export class MonitoringChart extends Chart {
  readonly prometheus: PrometheusServer;
  readonly alertmanager: Alertmanager;
  readonly grafana: Grafana;
  readonly jaeger: Jaeger;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { env } = props;
    const namespace = env.monitoringNamespace;
    new kplus.Namespace(this, 'Namespace', { metadata: { name: namespace, labels: { ...RESTRICTED_NAMESPACE_LABELS } } });
    this.prometheus = new PrometheusServer(this, 'Prometheus', {
      namespace,
      targetNamespace: env.namespace,
      image: env.monitoringImages.prometheus,
      configYaml: renderPrometheusConfig(inClusterPrometheusConfig(env)),
      ruleFiles: { [RULES_FILE]: environmentRulesYaml(env) },
      retention: env.prometheus.retention,
      storageGi: env.prometheus.storageGi,
      resources: monitoringResources(env.name, 'prometheus'),
    });
    this.alertmanager = new Alertmanager(this, 'Alertmanager', {
      namespace,
      image: env.monitoringImages.alertmanager,
      configYaml: renderAlertmanagerConfig(inClusterAlertmanagerConfig(env)),
      resources: monitoringResources(env.name, 'alertmanager'),
    });
    this.grafana = new Grafana(this, 'Grafana', {
      namespace,
      image: env.monitoringImages.grafana,
      resources: monitoringResources(env.name, 'grafana'),
      prometheusUrl: `http://${serviceHost(NAMES.prometheus, namespace)}:${PROMETHEUS_PORT.number}`,
      jaegerUrl: `http://${serviceHost(NAMES.jaegerQuery, namespace)}:${JAEGER_PORTS.query.number}`,
      rootUrl: env.grafanaBaseUrl,
      dashboards: props.dashboards ?? goraxDashboards(),
    });
    this.jaeger = new Jaeger(this, 'Jaeger', {
      namespace,
      image: env.monitoringImages.jaeger,
      resources: monitoringResources(env.name, 'jaeger'),
    });
    new MonitoringNetworkPolicies(this, 'NetworkPolicies', { env });
  }
}

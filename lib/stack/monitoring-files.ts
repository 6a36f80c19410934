/**
 * Writes the configuration of the loopback Prometheus and Alertmanager into
 * one directory, from the same generators as the manifests: prometheus.yml
 * from prometheusConfig() with static loopback targets, the rule file from
 * goraxRuleGroups() + buildRuleFile(), alertmanager.yml from
 * alertmanagerConfig() with every receiver pointed at the webhook sink.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goraxRuleGroups } from '../../alerts-src';
import type { Job } from '../catalog/target-labels';
import { environmentConfig, type EnvironmentConfig } from '../config/environments';
import { alertmanagerConfig, renderAlertmanagerConfig } from '../k8s/alertmanager-config';
import { prometheusConfig, renderPrometheusConfig } from '../k8s/prometheus-config';
import { buildRuleFile, formatDuration, durationSeconds, renderRuleFile } from '../rules/rule-file';
import { scaleRouteTimings } from './route-time-scale';
import type { WebhookSink } from './webhook-sink';

export const RULE_FILE_NAME = 'gorax.rules.yml';
/** Prometheus' default --rules.alert.resend-delay. */
export const PROMETHEUS_RESEND_DELAY = '1m';

export interface MonitoringFilesOptions {
  /** Directory to write into (must exist). */
  readonly dir: string;
  /** `host:port` of each job's /metrics. */
  readonly targets: Readonly<Record<Job, readonly string[]>>;
  readonly alertmanagerAddress: string;
  readonly sink: Pick<WebhookSink, 'urlFor'>;
  readonly scrapeInterval: string;
  /**
   * Scales every `for`, the rule evaluation interval and Alertmanager's route
   * timings; expressions and thresholds never change. @default 1 (as shipped)
   */
  readonly timeScale?: number;
  /** @default the dev environment */
  readonly environment?: EnvironmentConfig;
}

export interface MonitoringFiles {
  readonly prometheusConfig: string;
  readonly alertmanagerConfig: string;
  readonly ruleFile: string;
  /** The rule evaluation interval after scaling. */
  readonly evaluationInterval: string;
  /**
   * Prometheus' --rules.alert.resend-delay (1m as shipped) after scaling: how
   * soon a firing alert is sent again, e.g. when the first send found no
   * Alertmanager yet; it also bounds how long Alertmanager keeps an alert
   * that Prometheus stopped sending (4 × the delay).
   */
  readonly alertResendDelay: string;
}

export function writeMonitoringFiles(options: MonitoringFilesOptions): MonitoringFiles {
  const env = options.environment ?? environmentConfig('dev');
  const timeScale = options.timeScale ?? 1;
  const evaluationInterval = formatDuration(durationSeconds(env.prometheus.evaluationInterval) * timeScale);

  const ruleFile = join(options.dir, RULE_FILE_NAME);
  writeFileSync(ruleFile, renderRuleFile(buildRuleFile(goraxRuleGroups(env), env, { timeScale })));

  const prometheusFile = join(options.dir, 'prometheus.yml');
  const prometheus = prometheusConfig({
    targets: { kind: 'static', targets: options.targets },
    alertmanagers: [options.alertmanagerAddress],
    externalLabels: { cluster: 'local', environment: env.name },
    scrapeInterval: options.scrapeInterval,
    evaluationInterval,
    ruleFiles: [RULE_FILE_NAME],
  });
  writeFileSync(prometheusFile, renderPrometheusConfig(prometheus));

  // Receivers read their secrets from files, as in the cluster; here the files hold placeholders and the sink's URL.
  const secret = (name: string, content: string) => {
    const path = join(options.dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const alertmanager = alertmanagerConfig({
    paging: { routingKeyFile: secret('pagerduty-routing-key', 'local-stack'), url: options.sink.urlFor('paging') },
    chat: { apiUrlFile: secret('slack-api-url', options.sink.urlFor('chat')), channel: '#local-stack' },
    heartbeat: { url: options.sink.urlFor('heartbeat'), credentialsFile: secret('heartbeat-token', 'local-stack') },
  });
  const alertmanagerFile = join(options.dir, 'alertmanager.yml');
  writeFileSync(alertmanagerFile, renderAlertmanagerConfig(scaleRouteTimings(alertmanager, timeScale)));

  return {
    prometheusConfig: prometheusFile,
    alertmanagerConfig: alertmanagerFile,
    ruleFile,
    evaluationInterval,
    alertResendDelay: formatDuration(durationSeconds(PROMETHEUS_RESEND_DELAY) * timeScale),
  };
}

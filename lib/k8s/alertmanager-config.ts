/**
 * alertmanager.yml from typed routing, as a plain function of where the
 * receivers are, so the in-cluster configuration and the loopback one of
 * `npm run stack` come from the same code.
 *
 * Routing: critical pages, warning goes to chat, the always-firing Watchdog
 * keeps a heartbeat alive, info goes nowhere. Receiver keys and URLs are only
 * ever file paths (files mounted from a Secret); Alertmanager 0.25 reads
 * `routing_key_file` (PagerDuty), `api_url_file` (Slack) and
 * `credentials_file` (HTTP authorization) but has no webhook `url_file`, so
 * the heartbeat URL is plain and its token is the secret part.
 */
import { stringify } from 'yaml';
import { JOBS } from '../catalog/target-labels';

export const RECEIVERS = {
  paging: 'paging',
  chat: 'chat',
  heartbeat: 'heartbeat',
  /** Receives and drops: `info` alerts are for dashboards, not people. */
  none: 'null',
} as const;
export type ReceiverName = (typeof RECEIVERS)[keyof typeof RECEIVERS];

/** Where each receiver sends, and which files hold its secrets. */
export interface ReceiverEndpoints {
  /** PagerDuty Events API v2. */
  readonly paging: {
    /** File holding the integration's routing key. */
    readonly routingKeyFile: string;
    /** @default - PagerDuty's own Events API */
    readonly url?: string;
  };
  /** Slack incoming webhook. */
  readonly chat: {
    /** File holding the webhook URL (it embeds the secret). */
    readonly apiUrlFile: string;
    readonly channel: string;
  };
  /** Dead man's switch: expects the Watchdog notification continuously. */
  readonly heartbeat: {
    readonly url: string;
    /** File holding the bearer token. */
    readonly credentialsFile: string;
  };
}

export interface Matchers {
  readonly [label: string]: string;
}

export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal?: readonly string[];
}

/** An exact-match list as Alertmanager matchers: `name="v"` or `name=~"a|b"`. */
function matcher(label: string, values: readonly string[]): string {
  return values.length === 1 ? `${label}="${values[0]}"` : `${label}=~"${values.join('|')}"`;
}

/**
 * The inhibitions. `equal` compares a label that both alerts must carry with
 * the same value; an alert without the label counts as the empty value. So a
 * per-job source (GoraxJobAbsent{job="gorax-worker"}) can never inhibit the
 * fleet-wide alerts it causes (NoActiveWorkers has no `job`) through
 * `equal: [job]`; those rules name the job in the source matchers instead.
 */
export const INHIBITIONS: readonly InhibitRule[] = [
  {
    source_matchers: [matcher('alertname', ['CriticalWorkflowFailureRate'])],
    target_matchers: [matcher('alertname', ['HighWorkflowFailureRate'])],
    equal: ['job'],
  },
  {
    source_matchers: [matcher('alertname', ['QueueBacklogCritical'])],
    target_matchers: [matcher('alertname', ['QueueBacklog'])],
    equal: ['queue'],
  },
  {
    // Both are fleet-wide, without labels to compare.
    source_matchers: [matcher('alertname', ['NoActiveWorkers'])],
    target_matchers: [matcher('alertname', ['LowWorkerCount'])],
  },
  {
    // No worker is scraped at all: the fleet's slot count reads 0 and nothing
    // seems to finish. The critical source explains all three.
    source_matchers: [matcher('alertname', ['GoraxJobAbsent']), matcher('job', [JOBS.worker])],
    target_matchers: [matcher('alertname', ['NoActiveWorkers', 'LowWorkerCount', 'WorkflowExecutionStalled'])],
  },
  {
    // Some worker pods cannot be scraped: their slots are missing from the
    // fleet count. Only the warning is inhibited: a warning never hides a
    // critical NoActiveWorkers.
    source_matchers: [matcher('alertname', ['GoraxTargetDown']), matcher('job', [JOBS.worker])],
    target_matchers: [matcher('alertname', ['LowWorkerCount'])],
  },
];

/** Grouping and repetition: one notification per alert and job, reminders hours apart. */
export const ROUTE_TIMING = {
  groupBy: ['alertname', 'job', 'queue'],
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: { critical: '4h', warning: '12h' },
  heartbeat: { groupWait: '0s', groupInterval: '1m', repeatInterval: '1m' },
} as const;

export interface Route {
  readonly receiver: ReceiverName;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
}

export interface AlertmanagerConfig {
  readonly route: Route;
  readonly inhibit_rules: readonly InhibitRule[];
  readonly receivers: readonly Record<string, unknown>[];
}

function requireAbsolute(what: string, path: string): string {
  if (!path.startsWith('/')) throw new Error(`alertmanager config: ${what} "${path}" must be an absolute file path`);
  return path;
}

function requireUrl(what: string, url: string): string {
  if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`alertmanager config: ${what} "${url}" must be an http(s) URL`);
  return url;
}

export function alertmanagerConfig(endpoints: ReceiverEndpoints): AlertmanagerConfig {
  const { paging, chat, heartbeat } = endpoints;
  return {
    route: {
      // Anything that matches no route below (a new severity, a missing label)
      // still reaches people rather than vanishing.
      receiver: RECEIVERS.chat,
      group_by: [...ROUTE_TIMING.groupBy],
      group_wait: ROUTE_TIMING.groupWait,
      group_interval: ROUTE_TIMING.groupInterval,
      repeat_interval: ROUTE_TIMING.repeatInterval.warning,
      routes: [
        {
          receiver: RECEIVERS.heartbeat,
          matchers: [matcher('alertname', ['Watchdog'])],
          group_wait: ROUTE_TIMING.heartbeat.groupWait,
          group_interval: ROUTE_TIMING.heartbeat.groupInterval,
          repeat_interval: ROUTE_TIMING.heartbeat.repeatInterval,
        },
        { receiver: RECEIVERS.paging, matchers: [matcher('severity', ['critical'])], repeat_interval: ROUTE_TIMING.repeatInterval.critical },
        { receiver: RECEIVERS.chat, matchers: [matcher('severity', ['warning'])], repeat_interval: ROUTE_TIMING.repeatInterval.warning },
        { receiver: RECEIVERS.none, matchers: [matcher('severity', ['info'])] },
      ],
    },
    inhibit_rules: INHIBITIONS,
    receivers: [
      {
        name: RECEIVERS.paging,
        pagerduty_configs: [
          {
            routing_key_file: requireAbsolute('paging.routingKeyFile', paging.routingKeyFile),
            ...(paging.url === undefined ? {} : { url: requireUrl('paging.url', paging.url) }),
            send_resolved: true,
          },
        ],
      },
      {
        name: RECEIVERS.chat,
        slack_configs: [
          {
            api_url_file: requireAbsolute('chat.apiUrlFile', chat.apiUrlFile),
            channel: chat.channel,
            send_resolved: true,
            title: '{{ .CommonLabels.alertname }} ({{ .Status }})',
            text: '{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.description }} {{ .Annotations.runbook_url }}\n{{ end }}',
          },
        ],
      },
      {
        name: RECEIVERS.heartbeat,
        webhook_configs: [
          {
            url: requireUrl('heartbeat.url', heartbeat.url),
            send_resolved: false,
            http_config: {
              authorization: { type: 'Bearer', credentials_file: requireAbsolute('heartbeat.credentialsFile', heartbeat.credentialsFile) },
            },
          },
        ],
      },
      { name: RECEIVERS.none },
    ],
  };
}

/** alertmanager.yml, byte-identical for identical input. */
export function renderAlertmanagerConfig(config: AlertmanagerConfig): string {
  return stringify(config, { lineWidth: 0 });
}

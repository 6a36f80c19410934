/** Waiting for alerts in Prometheus, in Alertmanager and at the webhook sink. */
import type { Notification, SinkReceiver, WebhookSink } from '../../../lib/stack/webhook-sink';
import { eventually } from '../../runtime/support/eventually';
import type { AlertmanagerApi, PrometheusApi } from './prometheus-api';

/** Notifications of one alert at one receiver since `since` (ms). */
export function deliveries(sink: WebhookSink, filter: { receiver?: SinkReceiver; alertname?: string; status?: Notification['status']; since: number }): Notification[] {
  return sink.notifications.filter(
    (n) =>
      n.receivedAt >= filter.since &&
      (filter.receiver === undefined || n.receiver === filter.receiver) &&
      (filter.alertname === undefined || n.alertname === filter.alertname) &&
      (filter.status === undefined || n.status === filter.status),
  );
}

export function waitDelivered(
  sink: WebhookSink,
  filter: { receiver: SinkReceiver; alertname: string; status: Notification['status']; since: number },
  timeoutMs = 90_000,
): Promise<Notification> {
  return eventually(() => deliveries(sink, filter)[0], {
    timeoutMs,
    intervalMs: 200,
    what: `${filter.receiver} to receive ${filter.alertname} ${filter.status} (received so far: ${JSON.stringify(sink.notifications.filter((n) => n.alertname !== 'Watchdog').slice(-10))})`,
  });
}

/** Alert names in ALERTS with this state now. */
export async function alertsInState(prometheus: PrometheusApi, state: 'firing' | 'pending'): Promise<string[]> {
  return [...new Set((await prometheus.vector(`ALERTS{alertstate="${state}"}`)).map((s) => s.metric.alertname!))].sort();
}

export function waitFiringInPrometheus(prometheus: PrometheusApi, alertname: string, timeoutMs = 90_000): Promise<true> {
  return eventually(async () => ((await alertsInState(prometheus, 'firing')).includes(alertname) ? true : undefined), {
    timeoutMs,
    intervalMs: 250,
    what: `${alertname} firing in Prometheus`,
  });
}

export function waitGoneFromPrometheus(prometheus: PrometheusApi, alertnames: readonly string[], timeoutMs = 120_000): Promise<true> {
  return eventually(
    async () => {
      const present = (await prometheus.vector('ALERTS')).map((s) => s.metric.alertname!);
      return alertnames.every((a) => !present.includes(a)) ? true : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `${alertnames.join(', ')} to resolve in Prometheus` },
  );
}

/** Waits until Alertmanager holds the alert and every instance of it is inhibited; answers the inhibiting fingerprints. */
export function waitInhibited(alertmanager: AlertmanagerApi, alertname: string, timeoutMs = 60_000): Promise<string[]> {
  return eventually(
    async () => {
      const alerts = await alertmanager.alerts(alertname);
      return alerts.length > 0 && alerts.every((a) => a.status.inhibitedBy.length > 0) ? alerts.flatMap((a) => a.status.inhibitedBy) : undefined;
    },
    { timeoutMs, intervalMs: 250, what: `${alertname} inhibited in Alertmanager` },
  );
}

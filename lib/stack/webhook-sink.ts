/**
 * The local stand-in for PagerDuty, Slack and the heartbeat service: one
 * loopback HTTP server with one path per Alertmanager receiver, which
 * understands each receiver's payload and records (and reports) every
 * notification as receiver, status and alert name.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECEIVERS } from '../k8s/alertmanager-config';

/** Receivers that send somewhere (the `null` receiver drops). */
export type SinkReceiver = typeof RECEIVERS.paging | typeof RECEIVERS.chat | typeof RECEIVERS.heartbeat;
export const SINK_RECEIVERS: readonly SinkReceiver[] = [RECEIVERS.paging, RECEIVERS.chat, RECEIVERS.heartbeat];

export interface Notification {
  readonly receiver: SinkReceiver;
  readonly status: 'firing' | 'resolved';
  readonly alertname: string;
  /** When the sink received it (ms since the epoch). */
  readonly receivedAt: number;
}

export interface WebhookSink {
  readonly url: string;
  readonly port: number;
  readonly notifications: readonly Notification[];
  /** The URL each receiver posts to. */
  urlFor(receiver: SinkReceiver): string;
  close(): Promise<void>;
}

/** PagerDuty Events API v2: `event_action` trigger/resolve; the summary is Alertmanager's "[FIRING:1] Alertname …". */
function fromPagerDuty(body: Record<string, any>): Pick<Notification, 'status' | 'alertname'> {
  const summary = String(body.payload?.summary ?? '');
  const match = /^\[(?:FIRING|RESOLVED)(?::\d+)?\]\s+(\S+)/.exec(summary);
  return { status: body.event_action === 'resolve' ? 'resolved' : 'firing', alertname: match?.[1] ?? summary };
}

/** Slack: the title template of alertmanagerConfig(), "Alertname (firing)". */
function fromSlack(body: Record<string, any>): Pick<Notification, 'status' | 'alertname'> {
  const title = String(body.attachments?.[0]?.title ?? '');
  const match = /^(\S+) \((firing|resolved)\)$/.exec(title);
  return { status: match?.[2] === 'resolved' ? 'resolved' : 'firing', alertname: match?.[1] ?? title };
}

/** Alertmanager's own webhook payload. */
function fromWebhook(body: Record<string, any>): Pick<Notification, 'status' | 'alertname'> {
  return { status: body.status === 'resolved' ? 'resolved' : 'firing', alertname: String(body.groupLabels?.alertname ?? body.commonLabels?.alertname ?? '') };
}

const PARSERS: Record<SinkReceiver, (body: Record<string, any>) => Pick<Notification, 'status' | 'alertname'>> = {
  paging: fromPagerDuty,
  chat: fromSlack,
  heartbeat: fromWebhook,
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startWebhookSink(options: { port?: number; onNotification?: (n: Notification) => void } = {}): Promise<WebhookSink> {
  const notifications: Notification[] = [];
  const server: Server = createServer(async (request, response) => {
    const receiver = (request.url ?? '/').split('?')[0]!.slice(1) as SinkReceiver;
    if (request.method !== 'POST' || !SINK_RECEIVERS.includes(receiver)) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"POST /paging, /chat or /heartbeat"}');
      return;
    }
    let body: Record<string, any>;
    try {
      body = JSON.parse(await readBody(request)) as Record<string, any>;
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body is not JSON"}');
      return;
    }
    const notification: Notification = { receiver, ...PARSERS[receiver](body), receivedAt: Date.now() };
    notifications.push(notification);
    options.onNotification?.(notification);
    // PagerDuty answers 202 with a status; Slack and webhooks accept any 2xx.
    response.writeHead(receiver === 'paging' ? 202 : 200, { 'content-type': 'application/json' }).end('{"status":"success"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    notifications,
    urlFor: (receiver) => `${url}/${receiver}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

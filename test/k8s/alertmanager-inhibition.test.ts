/**
 * The inhibitions, applied by a real Alertmanager 0.25 (Debian's
 * prometheus-alertmanager) on loopback, running the configuration the same
 * generator writes, with the receivers pointed at a loopback HTTP server.
 * Alerts go in through its API; its own answer says which are inhibited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOBS } from '../../lib/catalog/target-labels';
import { alertmanagerConfig, renderAlertmanagerConfig } from '../../lib/k8s/alertmanager-config';
import { freePort } from '../runtime/support/free-port';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface ApiAlert { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }

let dir: string;
let receiver: Server;
let alertmanager: ChildProcess;
let base: string;
let logs = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gorax-am-'));
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const sink = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  for (const [file, content] of [['pd', 'routing-key'], ['slack', `${sink}/slack`], ['hb', 'token']]) writeFileSync(join(dir, file!), content!);
  const config = alertmanagerConfig({
    paging: { routingKeyFile: join(dir, 'pd'), url: `${sink}/pagerduty` },
    chat: { apiUrlFile: join(dir, 'slack'), channel: '#test' },
    heartbeat: { url: `${sink}/heartbeat`, credentialsFile: join(dir, 'hb') },
  });
  writeFileSync(join(dir, 'alertmanager.yml'), renderAlertmanagerConfig(config));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  alertmanager = spawn('prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  alertmanager.stderr!.on('data', (d: Buffer) => { logs += d.toString(); });
  await waitFor(`Alertmanager on ${base} (log: ${logs.slice(-400)})`, async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));

  const startsAt = new Date().toISOString();
  const alert = (labels: Record<string, string>) => ({ labels, annotations: { summary: 'test' }, startsAt });
  const alerts = [
    alert({ alertname: 'CriticalWorkflowFailureRate', severity: 'critical', job: JOBS.worker }),
    alert({ alertname: 'HighWorkflowFailureRate', severity: 'warning', job: JOBS.worker }),
    // Same alert, other job: a failure ratio of the API is not explained by the worker's.
    alert({ alertname: 'HighWorkflowFailureRate', severity: 'warning', job: JOBS.api }),
    alert({ alertname: 'QueueBacklogCritical', severity: 'critical', queue: 'default' }),
    alert({ alertname: 'QueueBacklog', severity: 'warning', queue: 'default' }),
    alert({ alertname: 'QueueBacklog', severity: 'warning', queue: 'other' }),
    alert({ alertname: 'GoraxJobAbsent', severity: 'critical', job: JOBS.worker }),
    alert({ alertname: 'NoActiveWorkers', severity: 'critical' }),
    alert({ alertname: 'LowWorkerCount', severity: 'warning' }),
    alert({ alertname: 'WorkflowExecutionStalled', severity: 'critical' }),
  ];
  const posted = await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  if (!posted.ok) throw new Error(`posting alerts failed: ${posted.status} ${await posted.text()}`);
}, 60_000);

afterAll(async () => {
  alertmanager?.kill('SIGTERM');
  await new Promise<void>((r) => (alertmanager && alertmanager.exitCode === null ? alertmanager.once('exit', () => r()) : r()));
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Each alert's state by `alertname/job-or-queue`, once the inhibitor has seen every source. */
async function statuses(expectedInhibited: number): Promise<Map<string, string>> {
  let last = new Map<string, string>();
  // The inhibitor learns its sources asynchronously: poll (bounded) until it has caught up.
  for (let attempt = 0; attempt < 100; attempt++) {
    const alerts = (await (await fetch(`${base}/api/v2/alerts`)).json()) as ApiAlert[];
    const key = (a: ApiAlert) => [a.labels.alertname, a.labels.job ?? a.labels.queue ?? ''].join('/');
    last = new Map(alerts.map((a) => [key(a), a.status.inhibitedBy.length > 0 ? 'inhibited' : a.status.state]));
    if ([...last.values()].filter((s) => s === 'inhibited').length >= expectedInhibited) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe('a real Alertmanager with the generated inhibitions', () => {
  it('mutes exactly the alerts that a more severe or root-cause alert explains', async () => {
    const map = await statuses(5);
    expect(Object.fromEntries([...map].sort())).toEqual({
      'CriticalWorkflowFailureRate/gorax-worker': 'active',
      'GoraxJobAbsent/gorax-worker': 'active',
      'HighWorkflowFailureRate/gorax-api': 'active',
      'HighWorkflowFailureRate/gorax-worker': 'inhibited',
      'LowWorkerCount/': 'inhibited',
      'NoActiveWorkers/': 'inhibited',
      'QueueBacklog/default': 'inhibited',
      'QueueBacklog/other': 'active',
      'QueueBacklogCritical/default': 'active',
      'WorkflowExecutionStalled/': 'inhibited',
    });
  });
});

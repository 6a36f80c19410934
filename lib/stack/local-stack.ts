/**
 * `npm run stack`: the API, the worker, Prometheus, Alertmanager and the
 * webhook sink on loopback, without containers. It checks everything it
 * needs before starting anything (binaries, ports, PostgreSQL, Redis),
 * builds, starts each part, waits until each is ready and Prometheus sees
 * both services up, and stops everything it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOBS } from '../catalog/target-labels';
import { HEALTH_PATHS } from '../config/service-contract';
import { DEFAULT_BINARIES, startAlertmanager, startPrometheus, type MonitoringServer } from './monitoring-servers';
import { writeMonitoringFiles } from './monitoring-files';
import { findBinary, portIsFree, postgresProblem, redisProblem } from './preflight';
import { waitUntilReady } from './readiness';
import { supervise, type SupervisedProcess } from './supervised-process';
import { startWebhookSink, type Notification, type WebhookSink } from './webhook-sink';

/** Refused before anything started: the message says what to do. */
export class StackRefusal extends Error {}

export const STACK_PORTS = {
  api: { default: 8080, flag: 'api-port', what: 'API' },
  apiMetrics: { default: 9090, flag: 'api-metrics-port', what: 'API metrics' },
  workerHealth: { default: 8081, flag: 'worker-health-port', what: 'worker health' },
  workerMetrics: { default: 9091, flag: 'worker-metrics-port', what: 'worker metrics' },
  prometheus: { default: 9092, flag: 'prometheus-port', what: 'Prometheus' },
  alertmanager: { default: 9093, flag: 'alertmanager-port', what: 'Alertmanager' },
  sink: { default: 9094, flag: 'sink-port', what: 'webhook sink' },
} as const;
export type StackPortName = keyof typeof STACK_PORTS;

export interface LocalStackOptions {
  readonly ports: Readonly<Record<StackPortName, number>>;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly binaries?: { readonly prometheus?: string; readonly alertmanager?: string };
  /** Runs `npm run build` first. @default true */
  readonly build?: boolean;
  /** Project root (where package.json and build/ are). */
  readonly root: string;
  readonly scrapeInterval?: string;
  /** Scales `for`, evaluation and route timings (see writeMonitoringFiles). @default 1 */
  readonly timeScale?: number;
  /** Environment the services inherit (ports, URLs and LISTEN_HOST are set by the stack). */
  readonly serviceEnv?: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  /** Aborting stops everything started so far. */
  readonly signal?: AbortSignal;
}

export interface StackPart {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
}

export interface LocalStack {
  readonly parts: readonly StackPart[];
  readonly sink: WebhookSink;
  /** Resolves with a message when a started process exits on its own. */
  readonly failed: Promise<string>;
  stop(): Promise<void>;
}

async function preflight(options: LocalStackOptions): Promise<{ prometheus: string; alertmanager: string }> {
  const problems: string[] = [];
  const binaries = {
    prometheus: findBinary(options.binaries?.prometheus ?? DEFAULT_BINARIES.prometheus),
    alertmanager: findBinary(options.binaries?.alertmanager ?? DEFAULT_BINARIES.alertmanager),
  };
  if (!binaries.prometheus) {
    problems.push(`binary "${options.binaries?.prometheus ?? DEFAULT_BINARIES.prometheus}" not found on PATH: install Debian's prometheus (npm run setup) or pass --prometheus-bin`);
  }
  if (!binaries.alertmanager) {
    problems.push(`binary "${options.binaries?.alertmanager ?? DEFAULT_BINARIES.alertmanager}" not found on PATH: install Debian's prometheus-alertmanager (npm run setup) or pass --alertmanager-bin`);
  }
  const seen = new Map<number, StackPortName>();
  for (const name of Object.keys(STACK_PORTS) as StackPortName[]) {
    const port = options.ports[name];
    const spec = STACK_PORTS[name];
    const other = seen.get(port);
    if (other) {
      problems.push(`port ${port} is given for both the ${STACK_PORTS[other].what} and the ${spec.what}: pass a different --${spec.flag}`);
      continue;
    }
    seen.set(port, name);
    if (!(await portIsFree(port))) problems.push(`port ${port} (${spec.what}) is taken on 127.0.0.1: stop what listens there or pass --${spec.flag}`);
  }
  const [postgres, redis] = await Promise.all([postgresProblem(options.databaseUrl), redisProblem(options.redisUrl)]);
  const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
  if (postgres) problems.push(`PostgreSQL at ${redact(options.databaseUrl)} does not answer (${postgres}): start it (npm run setup) or set DATABASE_URL`);
  if (redis) problems.push(`Redis at ${redact(options.redisUrl)} does not answer (${redis}): start it (npm run setup) or set REDIS_URL`);
  if (problems.length > 0) throw new StackRefusal(`the stack cannot start:\n  - ${problems.join('\n  - ')}`);
  return { prometheus: binaries.prometheus!, alertmanager: binaries.alertmanager! };
}

async function runBuild(options: LocalStackOptions, register: (p: SupervisedProcess) => void): Promise<void> {
  options.print('building (npm run build)…');
  const build = supervise({ name: 'build', command: 'npm', args: ['run', '--silent', 'build'], cwd: options.root });
  register(build);
  const { code } = await build.exited;
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}):\n${build.output.slice(-30).join('\n')}`);
}

interface Target {
  readonly labels: { readonly job: string };
  readonly health: string;
  readonly lastError: string;
}

/** Waits until Prometheus has scraped every job with up == 1. */
export async function waitForTargetsUp(prometheusUrl: string, jobs: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Target[] = [];
  for (;;) {
    try {
      const body = (await (await fetch(`${prometheusUrl}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
      last = body.data.activeTargets;
      if (jobs.every((job) => last.some((t) => t.labels.job === job && t.health === 'up'))) return;
    } catch {
      // Not answering yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus did not see every target up: ${JSON.stringify(last.map((t) => ({ job: t.labels.job, health: t.health, error: t.lastError })))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const binaries = await preflight(options);
  const processes: SupervisedProcess[] = [];
  const servers: MonitoringServer[] = [];
  let sink: WebhookSink | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gorax-stack-'));
  let stopping = false;
  let reportFailure: (message: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => (reportFailure = resolve));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      // Services first, so nothing scrapes or alerts on a half-stopped stack.
      await Promise.all([...processes].reverse().map((p) => p.stop(10_000)));
      await Promise.all(servers.map((s) => s.stop()));
      await sink?.close();
      rmSync(dir, { recursive: true, force: true });
    })());
  // A signal during start-up stops what already runs; the pending start then fails.
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  const watch = (child: SupervisedProcess) => {
    void child.exited.then(({ code, signal }) => {
      if (!stopping) reportFailure(`${child.name} exited on its own (${signal ?? `exit ${code}`}); its last output:\n${child.output.slice(-15).join('\n')}`);
    });
  };

  try {
    if (options.build ?? true) await runBuild(options, (p) => processes.push(p));
    const { ports } = options;
    sink = await startWebhookSink({
      port: ports.sink,
      onNotification: (n: Notification) => options.print(`[sink] ${n.receiver}: ${n.status.toUpperCase()} ${n.alertname}`),
    });
    const files = writeMonitoringFiles({
      dir,
      targets: { [JOBS.api]: [`127.0.0.1:${ports.apiMetrics}`], [JOBS.worker]: [`127.0.0.1:${ports.workerMetrics}`] },
      alertmanagerAddress: `127.0.0.1:${ports.alertmanager}`,
      sink,
      scrapeInterval: options.scrapeInterval ?? '5s',
      timeScale: options.timeScale ?? 1,
    });
    if (stopping) throw new Error('stopped during start-up');
    const alertmanager = await startAlertmanager({ configFile: files.alertmanagerConfig, dataDir: dir, port: ports.alertmanager, binary: binaries.alertmanager });
    servers.push(alertmanager);
    watch(alertmanager.process);
    const prometheus = await startPrometheus({ configFile: files.prometheusConfig, dataDir: dir, port: ports.prometheus, alertResendDelay: files.alertResendDelay, binary: binaries.prometheus });
    servers.push(prometheus);
    watch(prometheus.process);

    const env = {
      ...(options.serviceEnv ?? process.env),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      LISTEN_HOST: '127.0.0.1',
    };
    const service = (name: 'api' | 'worker', extra: Record<string, string>) => {
      const child = supervise({
        name,
        command: process.execPath,
        args: [join(options.root, 'build', 'bin', `${name}.js`)],
        cwd: options.root,
        env: { ...env, ...extra },
        onLine: (line) => options.print(`[${name}] ${line}`),
      });
      processes.push(child);
      watch(child);
      return child;
    };
    const api = service('api', { PORT: String(ports.api), METRICS_PORT: String(ports.apiMetrics) });
    const worker = service('worker', { WORKER_HEALTH_PORT: String(ports.workerHealth), METRICS_PORT: String(ports.workerMetrics) });
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const workerUrl = `http://127.0.0.1:${ports.workerHealth}`;
    await Promise.all([
      waitUntilReady(`${apiUrl}${HEALTH_PATHS.ready}`, { process: api, what: 'the API' }),
      waitUntilReady(`${workerUrl}${HEALTH_PATHS.ready}`, { process: worker, what: 'the worker' }),
    ]);
    await waitForTargetsUp(prometheus.url, [JOBS.api, JOBS.worker]);

    return {
      parts: [
        { name: 'api', url: apiUrl, pid: api.pid },
        { name: 'api metrics', url: `http://127.0.0.1:${ports.apiMetrics}/metrics`, pid: api.pid },
        { name: 'worker health', url: workerUrl, pid: worker.pid },
        { name: 'worker metrics', url: `http://127.0.0.1:${ports.workerMetrics}/metrics`, pid: worker.pid },
        { name: 'prometheus', url: prometheus.url, pid: prometheus.process.pid },
        { name: 'alertmanager', url: alertmanager.url, pid: alertmanager.process.pid },
        { name: 'webhook sink', url: sink.url, pid: undefined },
      ],
      sink,
      failed,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

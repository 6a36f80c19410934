/**
 * One test file's whole observed system: the API and the worker as child
 * processes (test/runtime/support/child-service.ts) on fixed free ports, and
 * the loopback Prometheus, Alertmanager and webhook sink of lib/stack with
 * the generated configuration, rules scaled by E2E_TIME_SCALE. Everything is
 * owned by the test and stopped by stop(), which never throws and is safe to
 * call after a partial start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOBS } from '../../../lib/catalog/target-labels';
import { HEALTH_PATHS } from '../../../lib/config/service-contract';
import { waitForTargetsUp } from '../../../lib/stack/local-stack';
import { writeMonitoringFiles } from '../../../lib/stack/monitoring-files';
import { startAlertmanager, startPrometheus, type MonitoringServer } from '../../../lib/stack/monitoring-servers';
import { waitUntilReady } from '../../../lib/stack/readiness';
import { startWebhookSink, type WebhookSink } from '../../../lib/stack/webhook-sink';
import { apiClient, type ApiClient } from '../../runtime/support/api-client';
import { startChild, type ChildService } from '../../runtime/support/child-service';
import { freePort } from '../../runtime/support/free-port';
import { createTestEnvironment, type TestEnvironment } from '../../runtime/support/test-environment';
import { alertmanagerApi, prometheusApi, type AlertmanagerApi, type PrometheusApi } from './prometheus-api';

/**
 * The one factor by which the e2e tests scale every alert's `for`, the rule
 * evaluation interval (15s → 500ms) and Alertmanager's route timings
 * (group_wait 30s → 1s, group_interval 5m → 10s): 2m → 4s, 5m → 10s,
 * 10m → 20s. Expressions, their [5m] windows and thresholds stay as shipped.
 */
export const E2E_TIME_SCALE = 1 / 30;
export const E2E_SCRAPE_INTERVAL = '1s';

export interface ObservedServicesOptions {
  /** Environment for both services on top of the test environment (e.g. a test-owned REDIS_URL). */
  readonly env?: Record<string, string>;
}

export interface ObservedServices {
  readonly testEnv: TestEnvironment;
  readonly api: ApiClient;
  readonly apiPort: number;
  readonly prometheus: PrometheusApi;
  readonly alertmanager: AlertmanagerApi;
  readonly sink: WebhookSink;
  readonly urls: { readonly prometheus: string; readonly alertmanager: string };
  startWorker(): Promise<void>;
  /** SIGTERM (the worker drains and exits); resolves when it exited. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

async function stopChild(child: ChildService | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(timer);
}

export async function startObservedServices(options: ObservedServicesOptions = {}): Promise<ObservedServices> {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-e2e-'));
  const [apiPort, apiMetricsPort, workerHealthPort, workerMetricsPort, prometheusPort, alertmanagerPort] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const testEnv = createTestEnvironment({
    LOG_LEVEL: 'warn',
    // Fresh gauges for second-scale alerts: health and queue depth every 500 ms.
    HEALTH_CHECK_INTERVAL_MS: '500',
    HEALTH_CACHE_TTL_MS: '0',
    QUEUE_DEPTH_INTERVAL_MS: '500',
    WORKER_CONCURRENCY: '10',
    SHUTDOWN_TIMEOUT_MS: '10000',
    ...options.env,
  });
  const servers: MonitoringServer[] = [];
  let sink: WebhookSink | undefined;
  let api: ChildService | undefined;
  let worker: ChildService | undefined;

  const stop = async () => {
    await Promise.all([stopChild(worker), stopChild(api)]);
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    await sink?.close().catch(() => undefined);
    await testEnv.cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  const startWorker = async () => {
    worker = startChild('worker', { ...testEnv.env, WORKER_HEALTH_PORT: String(workerHealthPort), METRICS_PORT: String(workerMetricsPort) });
    await waitUntilReady(`http://127.0.0.1:${workerHealthPort}${HEALTH_PATHS.ready}`, { what: 'the worker', timeoutMs: 60_000 });
  };

  try {
    // The services first: a Prometheus that evaluated the rules before the
    // first scrape of the worker would (rightly) fire NoActiveWorkers.
    api = startChild('api', { ...testEnv.env, PORT: String(apiPort), METRICS_PORT: String(apiMetricsPort) });
    await waitUntilReady(`http://127.0.0.1:${apiPort}${HEALTH_PATHS.ready}`, { what: 'the API', timeoutMs: 60_000 });
    await startWorker();
    sink = await startWebhookSink();
    const files = writeMonitoringFiles({
      dir,
      targets: { [JOBS.api]: [`127.0.0.1:${apiMetricsPort}`], [JOBS.worker]: [`127.0.0.1:${workerMetricsPort}`] },
      alertmanagerAddress: `127.0.0.1:${alertmanagerPort}`,
      sink,
      scrapeInterval: E2E_SCRAPE_INTERVAL,
      timeScale: E2E_TIME_SCALE,
    });
    const alertmanager = await startAlertmanager({ configFile: files.alertmanagerConfig, dataDir: dir, port: alertmanagerPort });
    servers.push(alertmanager);
    const prometheus = await startPrometheus({ configFile: files.prometheusConfig, dataDir: dir, port: prometheusPort, alertResendDelay: files.alertResendDelay });
    servers.push(prometheus);
    await waitForTargetsUp(prometheus.url, [JOBS.api, JOBS.worker]);
    return {
      testEnv,
      api: apiClient(apiPort),
      apiPort,
      prometheus: prometheusApi(prometheus.url),
      alertmanager: alertmanagerApi(alertmanager.url),
      sink,
      urls: { prometheus: prometheus.url, alertmanager: alertmanager.url },
      startWorker,
      stopWorker: () => stopChild(worker),
      stop,
    };
  } catch (error) {
    const logs = [api, worker].map((c) => c?.stderr.join('').slice(-2000) ?? '').join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
}

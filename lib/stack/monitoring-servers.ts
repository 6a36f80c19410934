/**
 * Debian's Prometheus and Alertmanager on loopback, each with its own
 * temporary storage, started from the files writeMonitoringFiles() wrote.
 */
import { join } from 'node:path';
import { PROMETHEUS_FEATURE_FLAGS } from '../k8s/prometheus-config';
import { waitUntilReady } from './readiness';
import { supervise, type SupervisedProcess } from './supervised-process';

export const DEFAULT_BINARIES = { prometheus: 'prometheus', alertmanager: 'prometheus-alertmanager' } as const;

export interface MonitoringServer {
  readonly url: string;
  readonly process: SupervisedProcess;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly configFile: string;
  /** Directory for its data (created by the server). */
  readonly dataDir: string;
  readonly port: number;
  readonly binary?: string;
  readonly onLine?: (line: string) => void;
}

export interface PrometheusServerOptions extends ServerOptions {
  /** --rules.alert.resend-delay. @default Prometheus' own (1m) */
  readonly alertResendDelay?: string;
}

async function started(name: string, url: string, child: SupervisedProcess): Promise<MonitoringServer> {
  try {
    await waitUntilReady(`${url}/-/ready`, { process: child, what: name });
  } catch (error) {
    await child.stop(2000);
    throw error;
  }
  return { url, process: child, stop: () => child.stop(5000) };
}

export function startPrometheus(options: PrometheusServerOptions): Promise<MonitoringServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = supervise({
    name: 'prometheus',
    command: options.binary ?? DEFAULT_BINARIES.prometheus,
    args: [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${join(options.dataDir, 'prometheus')}`,
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=127.0.0.1:${options.port}`,
      `--web.external-url=${url}`,
      ...PROMETHEUS_FEATURE_FLAGS,
      ...(options.alertResendDelay ? [`--rules.alert.resend-delay=${options.alertResendDelay}`] : []),
    ],
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  return started('Prometheus', url, child);
}

export function startAlertmanager(options: ServerOptions): Promise<MonitoringServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = supervise({
    name: 'alertmanager',
    command: options.binary ?? DEFAULT_BINARIES.alertmanager,
    args: [
      `--config.file=${options.configFile}`,
      `--storage.path=${join(options.dataDir, 'alertmanager')}`,
      `--web.listen-address=127.0.0.1:${options.port}`,
      `--web.external-url=${url}`,
      // A single instance: no gossip port.
      '--cluster.listen-address=',
      '--data.retention=1h',
    ],
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  return started('Alertmanager', url, child);
}

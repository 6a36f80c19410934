/**
 * Requests and limits of the monitoring components, per environment size.
 * Kept beside the components rather than in the environment configuration
 * because they follow from Gorax's scale, not from a per-environment choice.
 */
import type { EnvironmentName } from '../config/environments';
import type { ResourceSettings } from './container-security';

type Component = 'prometheus' | 'alertmanager' | 'grafana' | 'jaeger';

const SMALL: Record<Component, ResourceSettings> = {
  prometheus: { requests: { cpuMillis: 200, memoryMiB: 512 }, limits: { cpuMillis: 1000, memoryMiB: 1024 } },
  alertmanager: { requests: { cpuMillis: 50, memoryMiB: 64 }, limits: { cpuMillis: 200, memoryMiB: 128 } },
  grafana: { requests: { cpuMillis: 100, memoryMiB: 128 }, limits: { cpuMillis: 500, memoryMiB: 256 } },
  jaeger: { requests: { cpuMillis: 100, memoryMiB: 256 }, limits: { cpuMillis: 500, memoryMiB: 512 } },
};

const LARGE: Record<Component, ResourceSettings> = {
  ...SMALL,
  prometheus: { requests: { cpuMillis: 500, memoryMiB: 2048 }, limits: { cpuMillis: 2000, memoryMiB: 4096 } },
  jaeger: { requests: { cpuMillis: 250, memoryMiB: 512 }, limits: { cpuMillis: 1000, memoryMiB: 1024 } },
};

export function monitoringResources(env: EnvironmentName, component: Component): ResourceSettings {
  return (env === 'production' ? LARGE : SMALL)[component];
}

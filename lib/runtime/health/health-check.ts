/** One readiness check: resolves when the dependency or resource is fine, throws saying why not. */
import type { healthCheckLabel } from '../../catalog/labels';

export type HealthCheckName = (typeof healthCheckLabel.values)[number];

export interface HealthCheck {
  readonly name: HealthCheckName;
  run(): Promise<void>;
}

export interface CheckResult {
  readonly status: 'pass' | 'fail';
  readonly latencyMs: number;
  readonly error?: string;
}

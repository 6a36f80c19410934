/**
 * Runs the readiness checks, each with its own timeout, and caches the
 * results for a short TTL; concurrent probes share one run, and a check
 * whose previous call is still pending is awaited again rather than called
 * twice, so probe storms never reach the dependencies. Every run updates
 * gorax_health_check_status. A background interval keeps the gauges current
 * when nothing probes.
 */
import type { Registry } from 'prom-client';
import { healthCheckStatus } from '../../catalog/metrics';
import type { Logger } from '../logging/logger';
import type { SecretScrubber } from '../logging/secret-scrubber';
import { withTimeout } from '../lifecycle/with-timeout';
import { registerCatalogMetric } from '../metrics/catalog-registry';
import type { CheckResult, HealthCheck, HealthCheckName } from './health-check';

export type ReadinessStatus = 'ok' | 'unavailable' | 'starting' | 'shutting_down';

export interface ReadinessReport {
  readonly status: ReadinessStatus;
  readonly checks: Readonly<Partial<Record<HealthCheckName, CheckResult>>>;
}

export interface HealthMonitorOptions {
  readonly timeoutMs: number;
  readonly cacheTtlMs: number;
  readonly intervalMs: number;
  readonly registry: Registry | undefined;
  readonly logger: Logger;
  readonly scrub: SecretScrubber;
}

interface GaugeChild {
  set(value: number): void;
}

export class HealthMonitor {
  private started = false;
  private shuttingDown = false;
  private cached: { at: number; results: Record<string, CheckResult> } | undefined;
  private running: Promise<Record<string, CheckResult>> | undefined;
  private readonly pending = new Map<string, Promise<void>>();
  private readonly gauges = new Map<string, GaugeChild>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly options: HealthMonitorOptions,
  ) {
    if (options.registry) {
      const gauge = registerCatalogMetric(healthCheckStatus, options.registry);
      for (const check of checks) this.gauges.set(check.name, gauge.labels({ check: check.name }));
    }
  }

  get isStarted(): boolean {
    return this.started;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Migrations ran and the connections are up: startup answers 200 from now on. */
  markStarted(): void {
    this.started = true;
  }

  /** SIGTERM: readiness answers 503 from now on, before anything else stops. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  startBackgroundChecks(): void {
    if (this.timer) return;
    void this.runChecks();
    this.timer = setInterval(() => void this.runChecks(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  async readiness(): Promise<ReadinessReport> {
    if (this.shuttingDown) return { status: 'shutting_down', checks: this.cached?.results ?? {} };
    const results = await this.results();
    if (!this.started) return { status: 'starting', checks: results };
    const ok = Object.values(results).every((r) => r.status === 'pass');
    return { status: ok ? 'ok' : 'unavailable', checks: results };
  }

  /** Results no older than the TTL, running the checks when needed. */
  async results(): Promise<Record<string, CheckResult>> {
    if (this.cached && Date.now() - this.cached.at < this.options.cacheTtlMs) return this.cached.results;
    return this.runChecks();
  }

  private runChecks(): Promise<Record<string, CheckResult>> {
    if (this.running) return this.running;
    this.running = Promise.all(this.checks.map((check) => this.runOne(check)))
      .then((list) => {
        const results: Record<string, CheckResult> = {};
        this.checks.forEach((check, i) => (results[check.name] = list[i]!));
        this.cached = { at: Date.now(), results };
        return results;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async runOne(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let call = this.pending.get(check.name);
    if (!call) {
      call = Promise.resolve().then(() => check.run());
      this.pending.set(check.name, call);
      const clear = () => this.pending.delete(check.name);
      call.then(clear, clear);
    }
    let result: CheckResult;
    try {
      await withTimeout(call, this.options.timeoutMs, `${check.name} check`);
      result = { status: 'pass', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      const message = this.options.scrub((error as Error).message || String(error)).slice(0, 500);
      result = { status: 'fail', latencyMs: Math.round(performance.now() - started), error: message };
    }
    const previous = this.cached?.results[check.name]?.status;
    if (previous !== result.status && (previous !== undefined || result.status === 'fail')) {
      this.options.logger.warn({ check: check.name, status: result.status, error: result.error }, 'health check changed');
    }
    this.gauges.get(check.name)?.set(result.status === 'pass' ? 1 : 0);
    return result;
  }
}

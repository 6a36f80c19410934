/**
 * How long each Gorax service gets to stop, in one place: Kubernetes'
 * terminationGracePeriodSeconds, and the SHUTDOWN_DELAY_MS and
 * SHUTDOWN_TIMEOUT_MS each container is started with. The services count
 * SHUTDOWN_TIMEOUT_MS from SIGTERM and exit 1 past it (the delay runs inside
 * it), so the timeout is derived from the grace period rather than taken from
 * the contract's 25 s default, which would cut the worker's 300 s drain short.
 */
import type { GoraxService } from './gorax-environment';
import { PROBE_TIMING } from './probe-timing';

/**
 * Room between the services' own deadline and the kubelet's SIGKILL: exit,
 * flushing telemetry, and clock skew between the kubelet and the process.
 */
export const SHUTDOWN_SAFETY_MARGIN_SECONDS = 10;

/**
 * The API keeps serving (readiness 503) for the delay so traffic stops
 * reaching it before it closes its listener: the pod leaves the EndpointSlices
 * as soon as it is deleted, but kube-proxy and the ingress controller pick that
 * up a few seconds later, and a readiness probe needs period × failureThreshold
 * (10 s) to take it out if the deletion signal is missed. The worker has no
 * Service, so it starts draining at once.
 */
const API_SHUTDOWN_DELAY_SECONDS = PROBE_TIMING.readiness.periodSeconds * PROBE_TIMING.readiness.failureThreshold;

export interface ShutdownTiming {
  /** Kubernetes waits this long after SIGTERM before SIGKILL. */
  readonly terminationGracePeriodSeconds: number;
  /** SHUTDOWN_DELAY_MS: readiness answers 503 for this long before the service stops taking work. */
  readonly shutdownDelaySeconds: number;
  /** SHUTDOWN_TIMEOUT_MS: counted from SIGTERM; past it the process exits 1. */
  readonly shutdownTimeoutSeconds: number;
}

function timing(terminationGracePeriodSeconds: number, shutdownDelaySeconds: number): ShutdownTiming {
  // Conservative: leaves the margin even if the timeout were counted after the delay.
  const shutdownTimeoutSeconds = terminationGracePeriodSeconds - shutdownDelaySeconds - SHUTDOWN_SAFETY_MARGIN_SECONDS;
  if (shutdownTimeoutSeconds <= shutdownDelaySeconds) {
    throw new Error(
      `a ${terminationGracePeriodSeconds} s grace period leaves no time to drain after a ${shutdownDelaySeconds} s delay and a ${SHUTDOWN_SAFETY_MARGIN_SECONDS} s margin; raise the grace period`,
    );
  }
  return { terminationGracePeriodSeconds, shutdownDelaySeconds, shutdownTimeoutSeconds };
}

export const SHUTDOWN_TIMING: Readonly<Record<GoraxService, ShutdownTiming>> = {
  // 45 s: 10 s delay, then 15 s to finish in-flight requests within the 25 s timeout.
  api: timing(45, API_SHUTDOWN_DELAY_SECONDS),
  // 300 s: running workflow executions finish before the pod goes (the figure).
  worker: timing(300, 0),
};

/** The per-service values of SHUTDOWN_DELAY_MS and SHUTDOWN_TIMEOUT_MS. */
export function shutdownEnv(service: GoraxService): { SHUTDOWN_DELAY_MS: string; SHUTDOWN_TIMEOUT_MS: string } {
  const t = SHUTDOWN_TIMING[service];
  return { SHUTDOWN_DELAY_MS: String(t.shutdownDelaySeconds * 1000), SHUTDOWN_TIMEOUT_MS: String(t.shutdownTimeoutSeconds * 1000) };
}

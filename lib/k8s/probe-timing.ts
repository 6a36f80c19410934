/**
 * Probe timing of the Gorax services. The services' readiness checks each
 * time out well under a second (issue 3) and run side by side, so 2 s covers a
 * full readiness answer with room for a busy event loop; startup allows 5
 * minutes for migrations.
 */
export const PROBE_TIMING = {
  timeoutSeconds: 2,
  startup: { periodSeconds: 5, failureThreshold: 60 },
  liveness: { periodSeconds: 10, failureThreshold: 3 },
  readiness: { periodSeconds: 5, failureThreshold: 2 },
} as const;

/**
 * The running tracing SDK, if any, reachable without importing the SDK:
 * shutdown paths (signals, fatal errors) flush through here whether or not
 * tracing is enabled.
 */
export interface TracingHandle {
  /** Flushes pending spans and stops exporting; idempotent. */
  shutdown(): Promise<void>;
}

let current: TracingHandle | undefined;

export function setTracingHandle(handle: TracingHandle | undefined): void {
  current = handle;
}

export function tracingHandle(): TracingHandle | undefined {
  return current;
}

/** Flushes and stops the SDK when one runs; a no-op otherwise. */
export async function shutdownTracing(): Promise<void> {
  await current?.shutdown();
}

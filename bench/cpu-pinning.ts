/**
 * Pins the measured service to one core and everything else the benchmark
 * runs in-process (autocannon, the loopback OTLP and Sentry peers) to the
 * other, with taskset. On two shared cores the load generator otherwise
 * competes with the server it measures, and requests/s moved by more than
 * ±20% between rounds of the same variant. PostgreSQL and Redis are the
 * machine's shared services: their affinity is left alone.
 * BENCH_PIN=false turns it off; a machine with one core or no taskset runs unpinned.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { commandRuns } from './harness';

/** The core of the measured service, and the core of the harness (load generator and peers). */
export const SERVICE_CPU = 0;
export const HARNESS_CPU = 1;

export const PINNED = process.env.BENCH_PIN !== 'false' && cpus().length >= 2 && commandRuns('taskset', ['-p', String(process.pid)]);

/** The command line that runs `command args` on one core (or unchanged when not pinning). */
export function onCpu(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return PINNED && cpu !== undefined ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, [...args]];
}

function setOwnAffinity(list: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Runs `body` with this process (all its threads, and the threads it starts)
 * on the harness core, then gives it every core back.
 */
export async function withHarnessPinned<T>(body: () => Promise<T>): Promise<T> {
  if (!PINNED) return body();
  setOwnAffinity(String(HARNESS_CPU));
  try {
    return await body();
  } finally {
    setOwnAffinity(`0-${cpus().length - 1}`);
  }
}

export function pinningLine(): string {
  return PINNED
    ? `measured service pinned to CPU ${SERVICE_CPU}, the harness (autocannon, loopback peers) to CPU ${HARNESS_CPU} (taskset; BENCH_PIN=false turns it off)`
    : 'processes not pinned to cores';
}

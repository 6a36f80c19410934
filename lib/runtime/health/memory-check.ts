/**
 * Resident memory against the container's limit (the configured one, or
 * the cgroup's), failing above a ratio so that a pod close to its OOM kill
 * leaves the load balancer first. Without any limit the check passes.
 */
import { readFileSync } from 'node:fs';
import type { HealthCheck } from './health-check';

/** Values this large mean "no limit" (cgroup v1 reports ~2^63). */
const UNLIMITED = 2 ** 60;

export function cgroupMemoryLimitBytes(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): number | undefined {
  for (const path of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = read(path).trim();
      if (text === 'max') return undefined;
      const value = Number(text);
      if (Number.isFinite(value) && value > 0) return value >= UNLIMITED ? undefined : value;
    } catch {
      // Not this cgroup version (or not Linux): try the next file.
    }
  }
  return undefined;
}

export interface MemoryCheckOptions {
  readonly limitBytes: number | undefined;
  readonly maxRatio: number;
  readonly residentBytes?: () => number;
}

export function memoryCheck(options: MemoryCheckOptions): HealthCheck {
  const limit = options.limitBytes ?? cgroupMemoryLimitBytes();
  const resident = options.residentBytes ?? (() => process.memoryUsage.rss());
  return {
    name: 'memory',
    run: async () => {
      if (limit === undefined) return;
      const used = resident();
      if (used > limit * options.maxRatio) {
        const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
        throw new Error(`resident memory ${mib(used)} is above ${options.maxRatio * 100}% of the ${mib(limit)} limit`);
      }
    },
  };
}

/** Free space on a configured path (HEALTH_DISK_PATH) against a minimum. */
import { statfs } from 'node:fs/promises';
import type { HealthCheck } from './health-check';

export function diskCheck(path: string, minFreeBytes: number): HealthCheck {
  return {
    name: 'disk',
    run: async () => {
      const stats = await statfs(path);
      const free = stats.bavail * stats.bsize;
      if (free < minFreeBytes) {
        throw new Error(`${path} has ${free} bytes free, below the ${minFreeBytes} byte minimum`);
      }
    },
  };
}

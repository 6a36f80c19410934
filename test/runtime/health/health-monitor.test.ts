import { Registry } from 'prom-client';
import type { HealthCheck } from '../../../lib/runtime/health/health-check';
import { HealthMonitor } from '../../../lib/runtime/health/health-monitor';
import { diskCheck } from '../../../lib/runtime/health/disk-check';
import { cgroupMemoryLimitBytes, memoryCheck } from '../../../lib/runtime/health/memory-check';
import { createLogger } from '../../../lib/runtime/logging/logger';
import { createSecretScrubber } from '../../../lib/runtime/logging/secret-scrubber';
import { parseMetrics, valueOf } from '../support/metrics-text';

const logger = createLogger({ level: 'silent', service: 'api' });

function monitor(checks: HealthCheck[], registry?: Registry, cacheTtlMs = 60_000, timeoutMs = 200) {
  const m = new HealthMonitor(checks, {
    timeoutMs,
    cacheTtlMs,
    intervalMs: 60_000,
    registry,
    logger,
    scrub: createSecretScrubber(['postgres://gorax:pw-1234@db/gorax']),
  });
  m.markStarted();
  return m;
}

describe('HealthMonitor', () => {
  it('serves a probe storm from one run of each check', async () => {
    let calls = 0;
    const m = monitor([{ name: 'database', run: async () => void calls++ }]);
    const reports = await Promise.all(Array.from({ length: 50 }, () => m.readiness()));
    await m.readiness();
    expect(calls).toBe(1);
    expect(reports.every((r) => r.status === 'ok')).toBe(true);
  });

  it('never calls a check again while its previous call is still pending', async () => {
    let calls = 0;
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const m = monitor([{ name: 'redis', run: () => (calls++, hanging) }], undefined, 0, 20);
    const first = await m.readiness();
    const second = await m.readiness();
    expect([first.status, second.status]).toEqual(['unavailable', 'unavailable']);
    expect(second.checks.redis).toMatchObject({ status: 'fail', error: 'redis check timed out after 20 ms' });
    expect(calls).toBe(1);
    release();
  });

  it('answers 503-worthy states, scrubs secrets from errors and sets the gauges', async () => {
    const registry = new Registry();
    const m = monitor(
      [
        { name: 'database', run: async () => { throw new Error('connect to postgres://gorax:pw-1234@db/gorax failed (password pw-1234)'); } },
        { name: 'redis', run: async () => undefined },
      ],
      registry,
    );
    const report = await m.readiness();
    expect(report.status).toBe('unavailable');
    expect(report.checks.database!.error).toBe('connect to [redacted] failed (password pw-1234)'.replace('pw-1234)', 'pw-1234)'));
    expect(JSON.stringify(report)).not.toContain('postgres://gorax:pw-1234');
    const samples = parseMetrics(await registry.metrics());
    expect(valueOf(samples, 'gorax_health_check_status', { check: 'database' })).toBe(0);
    expect(valueOf(samples, 'gorax_health_check_status', { check: 'redis' })).toBe(1);
    m.markShuttingDown();
    expect((await m.readiness()).status).toBe('shutting_down');
  });

  it('reports starting until markStarted', async () => {
    const m = new HealthMonitor([{ name: 'disk', run: async () => undefined }], { timeoutMs: 100, cacheTtlMs: 0, intervalMs: 60_000, registry: undefined, logger, scrub: (s) => s });
    expect((await m.readiness()).status).toBe('starting');
    m.markStarted();
    expect((await m.readiness()).status).toBe('ok');
  });
});

describe('memory and disk checks', () => {
  it('fails above the configured share of the memory limit', async () => {
    const over = memoryCheck({ limitBytes: 1000 * 1048576, maxRatio: 0.9, residentBytes: () => 950 * 1048576 });
    await expect(over.run()).rejects.toThrow('resident memory 950 MiB is above 90% of the 1000 MiB limit');
    const under = memoryCheck({ limitBytes: 1000 * 1048576, maxRatio: 0.9, residentBytes: () => 500 * 1048576 });
    await expect(under.run()).resolves.toBeUndefined();
  });

  it('reads the cgroup v2 and v1 limits, treating "max" and huge values as no limit', () => {
    const files = (content: Record<string, string>) => (path: string) => {
      if (!(path in content)) throw new Error('ENOENT');
      return content[path]!;
    };
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': '536870912\n' }))).toBe(536870912);
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '268435456' }))).toBe(268435456);
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' }))).toBeUndefined();
    expect(cgroupMemoryLimitBytes(files({}))).toBeUndefined();
  });

  it('fails when the disk path has less free space than the minimum', async () => {
    await expect(diskCheck('/tmp', 1).run()).resolves.toBeUndefined();
    await expect(diskCheck('/tmp', Number.MAX_SAFE_INTEGER).run()).rejects.toThrow(/\/tmp has \d+ bytes free, below the \d+ byte minimum/);
    await expect(diskCheck('/does/not/exist', 1).run()).rejects.toThrow(/ENOENT/);
  });
});

import { FingerprintRateLimiter } from '../../../lib/runtime/errors/fingerprint-rate-limiter';

it('admits at most N events per fingerprint per minute, independently per fingerprint', () => {
  let now = 1_000_000;
  const limiter = new FingerprintRateLimiter(3, () => now);
  const admitted = (key: string, times: number) => Array.from({ length: times }, () => limiter.admit(key).admitted).filter(Boolean).length;
  expect(admitted('a', 50)).toBe(3);
  expect(admitted('b', 2)).toBe(2);
  now += 59_999;
  expect(admitted('a', 5)).toBe(0);
  now += 1;
  const next = limiter.admit('a');
  expect(next).toEqual({ admitted: true, droppedBefore: 52 });
  expect(admitted('a', 5)).toBe(2);
});

it('stays bounded in memory under endless distinct fingerprints', () => {
  const limiter = new FingerprintRateLimiter(1, () => 0, 100);
  for (let i = 0; i < 1000; i += 1) expect(limiter.admit(`k${i}`).admitted).toBe(true);
  expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
});

/** The benchmarked services' configuration that a run can change. */
import { serviceLogLevel, warmUpSeconds } from '../../bench/service-process';

it('runs the services at warn unless BENCH_LOG_LEVEL names a pino level', () => {
  expect(serviceLogLevel(undefined)).toBe('warn');
  expect(serviceLogLevel('')).toBe('warn');
  expect(serviceLogLevel('info')).toBe('info');
  expect(() => serviceLogLevel('loud')).toThrow('BENCH_LOG_LEVEL="loud": accepts fatal, error, warn, info, debug, trace, silent');
});

it('warms every API process up for 20 s unless BENCH_WARM_UP_SECONDS gives a whole number of seconds', () => {
  expect(warmUpSeconds(undefined)).toBe(20);
  expect(warmUpSeconds('')).toBe(20);
  expect(warmUpSeconds('45')).toBe(45);
  for (const bad of ['0', '-3', '2.5', 'long']) {
    expect(() => warmUpSeconds(bad)).toThrow(`BENCH_WARM_UP_SECONDS=${JSON.stringify(bad)}: accepts a whole number of seconds, at least 1`);
  }
});

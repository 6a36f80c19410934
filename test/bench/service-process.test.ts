/** The benchmarked services' configuration that a run can change. */
import { serviceLogLevel } from '../../bench/service-process';

it('runs the services at warn unless BENCH_LOG_LEVEL names a pino level', () => {
  expect(serviceLogLevel(undefined)).toBe('warn');
  expect(serviceLogLevel('')).toBe('warn');
  expect(serviceLogLevel('info')).toBe('info');
  expect(() => serviceLogLevel('loud')).toThrow('BENCH_LOG_LEVEL="loud": accepts fatal, error, warn, info, debug, trace, silent');
});

/**
 * Runs the compiled API or worker (build/bin/*.js) as a child process,
 * configured only by environment variables like in production, and reads its
 * CPU time from /proc/<pid>/stat (user + system, all threads: GC and libuv
 * threads are part of the cost).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_LEVELS } from '../lib/runtime/config/runtime-config';
import { onCpu } from './cpu-pinning';

export const ROOT = join(__dirname, '..', '..');
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/**
 * The Node.js binary the services run on: BENCH_SERVICE_NODE (e.g. a Node 24
 * from `npx -p node@24`), else the one running the benchmark. Only the
 * services change runtime; the harness and autocannon stay where they are.
 */
export const SERVICE_NODE = process.env.BENCH_SERVICE_NODE || process.execPath;

export { freePort } from '../test/runtime/support/free-port';

/** The shared services the benchmarked processes use (each run on its own schema and queue prefix). */
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The services' LOG_LEVEL: BENCH_LOG_LEVEL, default warn, the same in every
 * variant. At warn a request logs nothing; at info (the images' default)
 * every answered request writes its request line, with the trace ids when
 * tracing is on, so part of what tracing costs in production is only
 * measured at info. The lines go to /dev/null.
 */
export const SERVICE_LOG_LEVEL = serviceLogLevel(process.env.BENCH_LOG_LEVEL);

export function serviceLogLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'warn';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new Error(`BENCH_LOG_LEVEL=${JSON.stringify(value)}: accepts ${LOG_LEVELS.join(', ')}`);
  return value;
}

/**
 * Seconds of workflow requests every new API process answers before it is
 * measured: BENCH_WARM_UP_SECONDS, default 20. V8 is still compiling well
 * after the first few seconds, and more so with tracing, whose sampled path
 * runs on a tenth of the requests: perf put TurboFan's compile tasks at 6.6
 * µs per request of `off` and 8.5 of `full` over the 40,000 requests after a
 * 10,000-request warm-up (about the 3 s the request suite used to give), and
 * at 1.6 and 2.4 after 50,000. A short warm-up measures a process's first
 * minute, where the targets are about a service that runs for days.
 */
export const WARM_UP_SECONDS = warmUpSeconds(process.env.BENCH_WARM_UP_SECONDS);

export function warmUpSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 20;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`BENCH_WARM_UP_SECONDS=${JSON.stringify(value)}: accepts a whole number of seconds, at least 1`);
  return seconds;
}

/** What every benchmarked API and worker is configured with, besides its ports and instrumentation. */
export function baseServiceEnv(run: { readonly schema: string; readonly queuePrefix: string }): Record<string, string> {
  return {
    DATABASE_URL,
    REDIS_URL,
    DATABASE_SCHEMA: run.schema,
    QUEUE_PREFIX: run.queuePrefix,
    LISTEN_HOST: '127.0.0.1',
    LOG_LEVEL: SERVICE_LOG_LEVEL,
  };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** CPU time of the whole process so far, in microseconds. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The core to pin the process to (cpu-pinning.ts); taskset execs node, so the pid is node's. */
  readonly cpu?: number;
  /** A command that runs node, e.g. valgrind and its options; it must keep the pid. */
  readonly wrapper?: readonly string[];
  /** Options for node itself, before the script (some, like V8's log options, are refused in NODE_OPTIONS). */
  readonly nodeFlags?: readonly string[];
  readonly startupTimeoutMs?: number;
}

export async function startService(service: 'api' | 'worker', env: Record<string, string>, readyPort: number, options: StartOptions = {}): Promise<ServiceProcess> {
  const [node, ...wrapperArgs] = [...(options.wrapper ?? []), SERVICE_NODE];
  const [command, args] = onCpu(options.cpu, node!, [...wrapperArgs, ...(options.nodeFlags ?? []), join(ROOT, 'build', 'bin', `${service}.js`)]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timeoutMs = options.startupTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${service} exited ${child.exitCode}: ${stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${readyPort}/health/startup`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service} did not start in ${timeoutMs / 1000} s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    cpuMicros: () => {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Instructions per request: the compiled API under valgrind's callgrind,
 * which counts instructions instead of timing them, so the figure does not
 * move with what else the machine (or its host) is doing. CPU time per
 * request moved by ±20% between rounds of the same variant here; the main
 * thread's instruction count moves by well under 1%.
 *
 * Per variant: the API starts under callgrind, answers a warm-up of
 * GET /api/v1/workflows/:id (JIT, pools), counting is turned on and the
 * counters zeroed (callgrind_control -i on, -z; the start-up and warm-up run
 * uncounted, and faster), it answers the measured requests, and the counters
 * are dumped (-d). Reported per request: the main thread (JavaScript, the
 * event loop, the GC work done there) and all threads (adding V8's
 * background compiler and GC helpers, which run when they run and are the
 * noisy part). Background timers (health checks, queue depth) are set to an
 * hour, or their work per wall second would be charged to requests that
 * take 50 times longer under valgrind. (One cannot be set: the default
 * metrics' event-loop-delay monitor, a 10 ms timer, is part of `metrics`.)
 *
 * The worker is counted the same way per execution: its API runs natively,
 * the worker under callgrind, counters zeroed after warm-up executions and
 * dumped once PostgreSQL holds the measured ones finished. With tracing,
 * whether an execution is sampled follows its API request's trace, so the
 * API runs at 0% or 100% and 10% is estimated, as for requests.
 *
 * Opt-in (BENCH_SUITES=instructions; BENCH_INSTRUCTIONS=api or worker for
 * one part): it needs valgrind and takes about six minutes per variant and
 * round for the API at LOG_LEVEL=info (where every request writes its line),
 * two and a half to four for the worker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { alternate, commandRuns, type Figures, heading, median, table } from '../harness';
import type { LoopbackPeers, Setup } from '../loopback-peers';
import { DATABASE_URL, type ServiceProcess } from '../service-process';
import { cleanUp, sendRequests, startApiFor } from './request-overhead';
import { runExecutions, startWorkerFor } from './worker-throughput';

/**
 * The warm-up runs with callgrind's instrumentation off (about 1 ms per
 * request instead of 5-15), so it can be long enough for V8 to finish
 * compiling: counted after 2,000 requests, as this suite first did, the
 * sampled path (a tenth of the requests at most) still ran in V8's lower
 * tiers and its export code cold, and `off` counted 288-290k per request
 * against 222-229k after 50,000. After 50,000 V8 still compiled, though:
 * natively, with --trace-opt (2026-11-30), the API started 29-36 TurboFan and
 * 29-79 Maglev compiles in requests 50,000-100,000 (off, full0, full100),
 * and 1-5 TurboFan compiles in 100,000-150,000, where only full100 still
 * compiled its gRPC export path (run once per batch) with Maglev. Those
 * compiles ran on the helper threads inside the counted window and made up
 * most of the all-threads figure's spread; a pod pays them once, in its first
 * minute. So the warm-up is 150,000 requests.
 *
 * The requests are then counted in WINDOWS dumps of WINDOW_REQUESTS each, and
 * the figure is their total over all of them. A mark-compact GC, about 50
 * million main-thread instructions, comes every 10,000-20,000 requests here:
 * a single window of 5,000 held one or none, which moved a variant's count by
 * about 10k per request between runs (`metrics` +0k over `off` in one run,
 * +11k in the next). Over 20,000 each variant pays its share of them; the
 * lowest and highest window are printed with every round, so a GC-heavy
 * window shows.
 */
const WARM_UP_REQUESTS = 150_000;
const WINDOW_REQUESTS = 5000;
const WINDOWS = 4;
const MEASURED_REQUESTS = WINDOW_REQUESTS * WINDOWS;
/**
 * The worker, likewise: counted over 300 executions in one dump, as this
 * suite first did, a mark-compact GC fell in the window of every `full0` round
 * and of no `off` or `metrics` one (its concurrent marking, on V8's helper
 * threads, was 30% more instructions per execution on all threads; callgrind's
 * call counts showed the collector in that window only). A major GC comes less
 * often than once in 300 executions here, so every variant is counted over
 * 2,400, in four dumps. Natively with `--trace-opt` (Node 24, 2026-11-30
 * 05:25 UTC), V8 finished 64-134 TurboFan compiles in executions 400-1,000
 * and 70-78 in 1,000-1,600, then 12-24 per 600 with a few deopts and
 * recompiles from there on (off, full0 and full100 alike): the first 1,600
 * are its compile phase, which 400 uncounted executions left half inside
 * the counted ones.
 */
const WARM_UP_EXECUTIONS = 1600;
const WINDOW_EXECUTIONS = 600;
const MEASURED_EXECUTIONS = WINDOW_EXECUTIONS * WINDOWS;

/**
 * V8's memory reducer is off in the counted processes. It runs a
 * mark-compact GC (and shrinks the young generation) when it sees little
 * allocation per millisecond, i.e. an idle process; under callgrind every
 * process looks idle by that clock, 50 times slower than natively. With it,
 * the API answering 10,000 counted `metrics` requests under callgrind ran a
 * "Mark-Compact (reduce)" and 102 scavenges; without it, none and 18
 * (`--trace-gc`, 2026-11-30). Natively, after 150,000 requests, the next
 * 100,000 had 0-1 mark-compacts for off, metrics, full0 and full10 (four for
 * full100, all for old-generation growth), so the reducer's GCs were charged
 * to requests at about ten times their native rate, in whichever window they
 * fell. A loaded process does not run the reducer; the count now does not
 * either.
 */
const NODE_FLAGS = ['--no-memory-reducer'];

/** valgrind's callgrind, one output file per thread, named by pid, in `dir`; counting from when `counted` turns it on. */
function callgrind(dir: string): string[] {
  return ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${dir}/callgrind.out.%p`, '--dump-instr=no'];
}

/**
 * Timers whose work per wall second would otherwise be charged to requests or
 * executions that take 50 times longer under valgrind: set to an hour.
 */
const QUIET_TIMERS = { HEALTH_CHECK_INTERVAL_MS: '3600000', HEALTH_CHECK_TIMEOUT_MS: '10000', QUEUE_DEPTH_INTERVAL_MS: '3600000', WORKER_STALLED_INTERVAL_MS: '3600000' };

interface Counts {
  /** Instructions per unit of work over every window: the main thread, all threads. */
  readonly main: number;
  readonly all: number;
  /** Each window's count per unit: the main thread, all threads. */
  readonly windowMains: readonly number[];
  readonly windowAlls: readonly number[];
}

/**
 * Turns counting on and counts `windows` runs of `work` (each `units` units
 * of work), zeroing the counters before and dumping them after each:
 * instructions per unit of work over all the windows, and the main thread's
 * count of each window.
 */
async function counted(service: ServiceProcess, dir: string, windows: number, units: number, work: () => Promise<void>): Promise<Counts> {
  const pid = service.child.pid!;
  execFileSync('callgrind_control', ['-i', 'on', String(pid)], { stdio: 'ignore' });
  let main = 0;
  let all = 0;
  const windowMains: number[] = [];
  const windowAlls: number[] = [];
  for (let part = 1; part <= windows; part++) {
    execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
    await work();
    execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
    const instructions = dumpedInstructions(dir, pid, part);
    main += instructions.main;
    all += instructions.all;
    windowMains.push(instructions.main / units);
    windowAlls.push(instructions.all / units);
  }
  return { main: main / (units * windows), all: all / (units * windows), windowMains, windowAlls };
}

/** Instructions in callgrind's dump number `part`, per thread file (`…-01` is the main thread). */
function dumpedInstructions(dir: string, pid: number, part: number): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`callgrind.out.${pid}.${part}-`))) {
    const summary = /^(?:summary|totals): (\d+)$/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (!summary) throw new Error(`callgrind dump ${file} has no totals`);
    all += Number(summary[1]);
    if (file.endsWith('-01')) main += Number(summary[1]);
  }
  if (all === 0) throw new Error(`no callgrind dump ${part} for pid ${pid} in ${dir}`);
  return { main, all };
}

async function measure(setup: Setup, peers: LoopbackPeers, tag: string): Promise<Counts> {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-callgrind-'));
  const api = await startApiFor(setup.level, peers, `${tag}${setup.name}`, {
    wrapper: callgrind(dir),
    nodeFlags: NODE_FLAGS,
    startupTimeoutMs: 300_000,
    env: { ...setup.env, ...QUIET_TIMERS },
  });
  try {
    const url = `http://127.0.0.1:${api.port}/api/v1/workflows/${api.workflowId}`;
    await sendRequests(url, { amount: WARM_UP_REQUESTS }, 4);
    return await counted(api.api, dir, WINDOWS, WINDOW_REQUESTS, () => sendRequests(url, { amount: WINDOW_REQUESTS }, 4));
  } finally {
    await api.api.stop();
    await cleanUp([api]).catch((error: unknown) => console.error('bench clean-up failed:', error));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The worker under callgrind, its API (same level and environment) natively: instructions per execution. */
async function measureWorker(setup: Setup, peers: LoopbackPeers, tag: string): Promise<Counts> {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-callgrind-'));
  const env = { ...setup.env, ...QUIET_TIMERS };
  const api = await startApiFor(setup.level, peers, `${tag}${setup.name}`, { env });
  const db = new Client({ connectionString: DATABASE_URL });
  let worker: ServiceProcess | undefined;
  try {
    await db.connect();
    worker = await startWorkerFor(api, peers, { wrapper: callgrind(dir), nodeFlags: NODE_FLAGS, startupTimeoutMs: 300_000, env });
    await runExecutions(db, api, WARM_UP_EXECUTIONS);
    return await counted(worker, dir, WINDOWS, WINDOW_EXECUTIONS, () => runExecutions(db, api, WINDOW_EXECUTIONS));
  } finally {
    await worker?.stop();
    await api.api.stop();
    await db.end();
    await cleanUp([api]).catch((error: unknown) => console.error('bench clean-up failed:', error));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The levels counted for the API and the worker alike: off, metrics, and
 * full (metrics + Sentry + tracing) at 0% and 100% sampling. The target's
 * variant, full at 10%, is estimated from the last two: which of the
 * measured requests a 10% die samples would move the count by several per
 * cent of the sampled cost. A worker's execution follows its API request's
 * decision, so its API runs at the same rate.
 */
const SETUPS: readonly Setup[] = [
  { name: 'off', level: 'off' },
  { name: 'metrics', level: 'metrics' },
  { name: 'full0', level: 'full', env: { TRACING_SAMPLE_RATE: '0' } },
  { name: 'full100', level: 'full', env: { TRACING_SAMPLE_RATE: '1.0' } },
];

type Measure = (setup: Setup, peers: LoopbackPeers, tag: string) => Promise<Counts>;

/** Counts every setup in alternated rounds and prints the table, with full10 (estimated) = full0 + 10% of (full100 − full0). */
async function countSetups(measureOne: Measure, unit: string, rounds: number, peers: LoopbackPeers): Promise<void> {
  const tag = `i${Date.now().toString(36)}`;
  let run = 0; // each measurement gets its own schema and queue prefix
  const variants = SETUPS.map((setup) => ({
    name: setup.name,
    run: async () => {
      const counts = await measureOne(setup, peers, `${tag}r${++run}`);
      // The lowest and highest window too, main thread and all threads (a mark-compact GC shows as one high window).
      const windows: Figures = {
        lowestWindow: Math.min(...counts.windowMains) / 1000,
        highestWindow: Math.max(...counts.windowMains) / 1000,
        lowestWindowAll: Math.min(...counts.windowAlls) / 1000,
        highestWindowAll: Math.max(...counts.windowAlls) / 1000,
      };
      return { main: counts.main / 1000, all: counts.all / 1000, ...windows };
    },
  }));
  const medians = await alternate(variants, rounds, undefined, (line) => console.log(line));
  const spreads = [...medians.samples].map(([name, figures]) => {
    const counts = figures.map((f) => f.main!);
    return `${name} ${(((Math.max(...counts) - Math.min(...counts)) / median(counts)) * 100).toFixed(2)}%`;
  });
  const from = medians.get('full0')!;
  const to = medians.get('full100')!;
  medians.set('full10 (estimated)', Object.fromEntries(Object.keys(from).map((k) => [k, from[k]! + 0.1 * (to[k]! - from[k]!)])));
  console.log('');
  console.log(
    table(medians, [
      { figure: 'main', title: `main thread k instr/${unit}`, ratio: true },
      { figure: 'all', title: `all threads k instr/${unit}`, ratio: true },
    ]),
  );
  console.log(`\nSpread of the main-thread count over the rounds (highest − lowest, of the median): ${spreads.join(', ')}.`);
}

/** The parts of the suite BENCH_INSTRUCTIONS selects: the API's requests, the worker's executions. */
export type InstructionsPart = 'api' | 'worker';

/** BENCH_INSTRUCTIONS (comma-separated parts; default both). */
export function instructionsParts(value: string | undefined): ReadonlySet<InstructionsPart> {
  const parts = (value ?? 'api,worker').split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => part !== 'api' && part !== 'worker');
  if (unknown.length > 0) throw new Error(`BENCH_INSTRUCTIONS=${JSON.stringify(value)}: accepts api, worker or api,worker`);
  return new Set(parts as InstructionsPart[]);
}

export async function instructionsSuite(rounds: number, peers: LoopbackPeers, parts: ReadonlySet<InstructionsPart>): Promise<void> {
  if (!commandRuns('valgrind', ['--version'])) {
    heading('Instructions per request and per execution', 'valgrind is not installed (apt-get install valgrind): skipped.');
    return;
  }
  if (parts.has('api')) {
    heading(
      'Instructions per request',
      `callgrind (valgrind) counting the compiled API's instructions over ${MEASURED_REQUESTS} GET /api/v1/workflows/:id (${WINDOWS} dumps of ${WINDOW_REQUESTS}; each round also shows the lowest and highest, main thread and all threads) after ${WARM_UP_REQUESTS} uncounted warm-up requests (autocannon, 4 connections), node ${NODE_FLAGS.join(' ')}; thousands of instructions per request over all ${MEASURED_REQUESTS}, main thread and all threads; medians of ${rounds} alternated rounds. full0 = metrics + Sentry (to a loopback peer) + tracing at 0% sampling (every request unsampled); full100 = the same with every request sampled and exported to a loopback OTLP sink; full10 (estimated) = full0 + 10% of the difference: the target's metrics + tracing 10% + Sentry.`,
    );
    await countSetups(measure, 'req', rounds, peers);
  }
  if (parts.has('worker')) {
    heading(
      'Instructions per execution',
      `callgrind counting the compiled worker's instructions over ${MEASURED_EXECUTIONS} executions of a one-step workflow (${WINDOWS} dumps of ${WINDOW_EXECUTIONS}; each round also shows the lowest and highest) after ${WARM_UP_EXECUTIONS} uncounted warm-up executions, node ${NODE_FLAGS.join(' ')} (submitted through its API, which runs natively with the same instrumentation; each dump once PostgreSQL holds its executions finished); thousands of instructions per execution; medians of ${rounds} alternated rounds. full0/full100 = metrics + Sentry + tracing with the API sampling 0%/100% of its requests (an execution follows its request's decision); full10 (estimated) = full0 + 10% of the difference.`,
    );
    await countSetups(measureWorker, 'execution', rounds, peers);
  }
}

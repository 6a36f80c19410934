/**
 * Instructions per request: the compiled API under valgrind's callgrind,
 * which counts instructions instead of timing them, so the figure does not
 * move with what else the machine (or its host) is doing. CPU time per
 * request moved by ±20% between rounds of the same variant here; the main
 * thread's instruction count moves by well under 1%.
 *
 * Per variant: the API starts under callgrind, answers a warm-up of
 * GET /api/v1/workflows/:id (JIT, pools), the counters are zeroed
 * (callgrind_control -z), it answers the measured requests, and the counters
 * are dumped (-d). Reported per request: the main thread (JavaScript, the
 * event loop, the GC work done there) and all threads (adding V8's
 * background compiler and GC helpers, which run when they run and are the
 * noisy part). Background timers (health checks, queue depth) are set to an
 * hour, or their work per wall second would be charged to requests that
 * take 50 times longer under valgrind.
 *
 * Opt-in (BENCH_SUITES=instructions): it needs valgrind and takes about a
 * minute per variant.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { alternate, commandRuns, heading, median, table } from '../harness';
import type { LoopbackPeers } from '../loopback-peers';
import { cleanUp, startApiFor } from './request-overhead';

const WARM_UP_REQUESTS = 2000;
const MEASURED_REQUESTS = 1000;

/** An instrumentation level of the API, with what it adds to the environment. */
interface Setup {
  readonly name: string;
  readonly level: Parameters<typeof startApiFor>[0];
  readonly env?: Record<string, string>;
}

const SETUPS: readonly Setup[] = [
  { name: 'off', level: 'off' },
  { name: 'metrics', level: 'metrics' },
  // Every request unsampled: what tracing costs a request it does not record.
  { name: 'tracing0', level: 'tracing10', env: { TRACING_SAMPLE_RATE: '0' } },
  // Every request sampled and exported.
  { name: 'tracing100', level: 'tracing100' },
];

/** Instructions in one callgrind dump part, per thread file (`…-01` is the main thread). */
function dumpedInstructions(dir: string, pid: number): { main: number; all: number } {
  let main = 0;
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`callgrind.out.${pid}.1-`))) {
    const summary = /^(?:summary|totals): (\d+)$/m.exec(readFileSync(join(dir, file), 'utf8'));
    if (!summary) throw new Error(`callgrind dump ${file} has no totals`);
    all += Number(summary[1]);
    if (file.endsWith('-01')) main += Number(summary[1]);
  }
  if (all === 0) throw new Error(`no callgrind dump for pid ${pid} in ${dir}`);
  return { main, all };
}

async function requests(url: string, amount: number): Promise<void> {
  const result = await autocannon({ url, connections: 4, pipelining: 1, amount, headers: { 'x-tenant-id': 'bench-tenant' } });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
}

async function measure(setup: Setup, peers: LoopbackPeers, tag: string): Promise<{ main: number; all: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-callgrind-'));
  const api = await startApiFor(setup.level, peers, `${tag}${setup.name}`, {
    wrapper: ['valgrind', '--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dir}/callgrind.out.%p`, '--dump-instr=no'],
    startupTimeoutMs: 300_000,
    env: { ...setup.env, HEALTH_CHECK_INTERVAL_MS: '3600000', HEALTH_CHECK_TIMEOUT_MS: '10000', QUEUE_DEPTH_INTERVAL_MS: '3600000' },
  });
  try {
    const url = `http://127.0.0.1:${api.port}/api/v1/workflows/${api.workflowId}`;
    const pid = api.api.child.pid!;
    await requests(url, WARM_UP_REQUESTS);
    execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
    await requests(url, MEASURED_REQUESTS);
    execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
    const counted = dumpedInstructions(dir, pid);
    return { main: counted.main / MEASURED_REQUESTS, all: counted.all / MEASURED_REQUESTS };
  } finally {
    await api.api.stop();
    await cleanUp([api]).catch((error: unknown) => console.error('bench clean-up failed:', error));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function instructionsSuite(rounds: number, peers: LoopbackPeers): Promise<void> {
  heading(
    'Instructions per request',
    `callgrind (valgrind) counting the compiled API's instructions over ${MEASURED_REQUESTS} GET /api/v1/workflows/:id after ${WARM_UP_REQUESTS} warm-up requests (autocannon, 4 connections); thousands of instructions per request, main thread and all threads; medians of ${rounds} alternated rounds. tracing0 = metrics + tracing at 0% sampling (every request unsampled); tracing100 = every request sampled and exported to a loopback OTLP sink; tracing10 (estimated) = tracing0 + 10% of the difference.`,
  );
  if (!commandRuns('valgrind', ['--version'])) {
    console.log('valgrind is not installed (apt-get install valgrind): skipped.');
    return;
  }
  const tag = `i${Date.now().toString(36)}`;
  let run = 0; // each measurement gets its own schema and queue prefix
  const variants = SETUPS.map((setup) => ({
    name: setup.name,
    run: async () => {
      const counted = await measure(setup, peers, `${tag}r${++run}`);
      return { main: counted.main / 1000, all: counted.all / 1000 };
    },
  }));
  const medians = await alternate(variants, rounds, undefined, (line) => console.log(line));
  const spreads = [...medians.samples].map(([name, figures]) => {
    const counts = figures.map((f) => f.main!);
    return `${name} ${(((Math.max(...counts) - Math.min(...counts)) / median(counts)) * 100).toFixed(2)}%`;
  });
  const t0 = medians.get('tracing0')!;
  const t100 = medians.get('tracing100')!;
  medians.set('tracing10 (estimated)', { main: t0.main! + 0.1 * (t100.main! - t0.main!), all: t0.all! + 0.1 * (t100.all! - t0.all!) });
  console.log('');
  console.log(
    table(medians, [
      { figure: 'main', title: 'main thread k instr/req', ratio: true },
      { figure: 'all', title: 'all threads k instr/req', ratio: true },
    ]),
  );
  console.log(`\nSpread of the main-thread count over the rounds (highest − lowest, of the median): ${spreads.join(', ')}.`);
}

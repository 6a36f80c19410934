/**
 * Where the CPU time of a request goes: the compiled API under `perf record`
 * (cpu-clock sampling with call stacks, started with --perf-basic-prof so
 * JavaScript frames have names), each sample charged to a part of the
 * observability stack by stack-attribution.ts: metrics, tracing's request
 * context, the SDK's spans, span export, Sentry, garbage collection, or
 * everything else (the request's own work).
 *
 * The parts answer what the request suite's totals cannot: how much of a
 * variant's added time is code it runs. As a share of their own process's
 * CPU they hold when the host moves whole rounds (addedShares); `other`
 * above off's, the rest of the request running slower, carries that noise.
 * Some 8,000 samples per measurement (about 2 kHz) put a part of 1 µs per
 * request within about ±15% of itself. Names come from the perf map that
 * --perf-basic-prof appends to; when V8 frees code and reuses its address,
 * the map holds two names for it and a few samples are misnamed (seen: Node's
 * HTTP finish handler named as an OpenTelemetry time helper in 4 of 27).
 * perf's build-id cache (~/.debug, hundreds of MB a run) is not written.
 *
 * Opt-in (BENCH_SUITES=profile): it needs Linux perf (Debian: linux-perf)
 * and takes about 3.5 minutes per round (five processes, each warmed up for
 * BENCH_WARM_UP_SECONDS).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_CPU, pinningLine } from '../cpu-pinning';
import { alternate, commandRuns, type Figures, format, heading, median, table } from '../harness';
import { API_SETUPS, type LoopbackPeers, type Setup } from '../loopback-peers';
import { addedShares, attribute, PARTS, type PartFigures, stacksOf } from '../stack-attribution';
import { SERVICE_LOG_LEVEL, WARM_UP_SECONDS } from '../service-process';
import { cleanUp, sendRequests, startApiFor } from './request-overhead';

const MEASURED_REQUESTS = 30_000;
const CONNECTIONS = 10;
/** Samples per second of CPU time; not a round number, so sampling does not beat with the services' timers. */
const FREQUENCY = 1999;

/**
 * `perf record -g` of process `pid` into `data` until stopped; stopping sends
 * SIGINT as Ctrl-C does (perf writes its data, then re-raises the signal to
 * exit by it). Its exit is watched from the start, so a perf that could not
 * attach and exited at once is reported instead of waited for.
 */
function startRecording(pid: number, data: string): { stop(): Promise<void> } {
  const recorder = spawn('perf', ['record', '-q', '--no-buildid-cache', '-g', '-e', 'cpu-clock', '-F', String(FREQUENCY), '-p', String(pid), '-o', data], { stdio: 'ignore' });
  const exited = new Promise<string>((resolve) => {
    recorder.once('error', (error) => resolve(error.message));
    recorder.once('exit', (code, signal) => resolve(code === 0 || signal === 'SIGINT' ? '' : `exit ${code ?? signal}`));
  });
  return {
    stop: async () => {
      if (recorder.exitCode !== null || recorder.signalCode !== null) throw new Error(`perf record had already ended (${await exited}) before the measured requests ended`);
      recorder.kill('SIGINT');
      const failure = await exited;
      if (failure !== '') throw new Error(`perf record failed: ${failure}`);
    },
  };
}

/** One API process of `setup`, profiled over the measured requests: CPU µs per request, in all and per part. */
async function profileOne(setup: Setup, peers: LoopbackPeers, tag: string): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'gorax-perf-'));
  const data = join(dir, 'perf.data');
  // --perf-basic-prof also turns on V8's log, which would land in the working directory.
  const nodeFlags = ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(dir, 'v8.log')}`];
  let api: Awaited<ReturnType<typeof startApiFor>> | undefined;
  try {
    api = await startApiFor(setup.level, peers, tag, { cpu: SERVICE_CPU, nodeFlags, env: setup.env });
    const url = `http://127.0.0.1:${api.port}/api/v1/workflows/${api.workflowId}`;
    // As long as the request suite warms up (BENCH_WARM_UP_SECONDS): V8 is still compiling after 20,000 requests.
    await sendRequests(url, { duration: WARM_UP_SECONDS }, CONNECTIONS);
    const recording = startRecording(api.api.child.pid!, data);
    // perf prints nothing once attached; it attaches within milliseconds, and the API is idle meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = api.api.cpuMicros();
    await sendRequests(url, { amount: MEASURED_REQUESTS }, CONNECTIONS);
    const cpuMicrosPerReq = (api.api.cpuMicros() - before) / MEASURED_REQUESTS;
    await recording.stop();
    // perf script reads the JavaScript symbols from /tmp/perf-<pid>.map, which the process wrote.
    const script = execFileSync('perf', ['script', '-i', data, '-F', 'ip,sym'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    const counts = attribute(stacksOf(script));
    const samples = Object.values(counts).reduce((a, b) => a + b, 0);
    if (samples < 1000) throw new Error(`perf recorded only ${samples} samples of ${setup.name}`);
    // Parts as shares of the samples, scaled to the CPU time /proc measured over the same requests.
    return { cpuMicrosPerReq, ...Object.fromEntries(PARTS.map((part) => [part, (counts[part] / samples) * cpuMicrosPerReq])) };
  } finally {
    if (api !== undefined) {
      await api.api.stop();
      await cleanUp([api]).catch((error: unknown) => console.error('bench clean-up failed:', error));
      rmSync(`/tmp/perf-${api.api.child.pid}.map`, { force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function profileSuite(rounds: number, peers: LoopbackPeers): Promise<void> {
  heading(
    'Where the time goes',
    `perf record -g (cpu-clock, ${FREQUENCY} Hz) of the compiled API started with --perf-basic-prof, over ${MEASURED_REQUESTS} GET /api/v1/workflows/:id after ${WARM_UP_SECONDS} s of warm-up requests (BENCH_WARM_UP_SECONDS; autocannon, ${CONNECTIONS} connections, LOG_LEVEL=${SERVICE_LOG_LEVEL}); ${pinningLine()}; a new API process per variant and round; each sample charged to the innermost JavaScript frame's part (bench/stack-attribution.ts), the parts scaled to the CPU µs per request /proc measured over the same requests; medians of ${rounds} alternated rounds. tracing0 = metrics + tracing at 0% sampling; tracing10/tracing100 = metrics + tracing at 10%/100%; full = metrics + tracing 10% + Sentry.`,
  );
  if (!commandRuns('perf', ['record', '-q', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'])) {
    console.log('perf is not installed or may not record here (apt-get install linux-perf; kernel.perf_event_paranoid): skipped.');
    return;
  }
  const tag = `p${Date.now().toString(36)}`;
  let run = 0; // each measurement gets its own schema and queue prefix
  const variants = API_SETUPS.map((setup) => ({ name: setup.name, run: () => profileOne(setup, peers, `${tag}r${++run}${setup.name}`) }));
  const medians = await alternate(variants, rounds, undefined, (line) => console.log(line));
  console.log('');
  console.log(table(medians, [{ figure: 'cpuMicrosPerReq', title: 'CPU µs/req', ratio: true }, ...PARTS.map((part) => ({ figure: part, title: part }))]));
  // What each variant adds to off, part by part: its own code, and `other` = the rest of the request running slower.
  const off = medians.get('off')!;
  const added = [...medians]
    .filter(([name]) => name !== 'off')
    .map(([name, figures]) => `${name} ${PARTS.map((part) => `${part} ${signed(figures[part]! - off[part]!)}`).join(', ')} (in all ${signed(figures.cpuMicrosPerReq! - off.cpuMicrosPerReq!)})`);
  console.log(`\nAdded to off, µs per request (medians): ${added.join('; ')}.`);
  const roundsOf = (name: string) => medians.samples.get(name)! as readonly PartFigures[];
  const shares = API_SETUPS.filter(({ name }) => name !== 'off').map(({ name }) => {
    const perRound = addedShares(roundsOf(name), roundsOf('off'));
    return `${name} ${percent(median(perRound))} (${percent(Math.min(...perRound))} to ${percent(Math.max(...perRound))})`;
  });
  console.log(
    `\nObservability code beyond off, relative to the rest of the request (per round: the parts but \`other\` as a share of the process's CPU, minus off's share in the same round; a lower bound, steadier than µs): ${shares.join('; ')}.`,
  );
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${format(value)}`;
}

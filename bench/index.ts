/**
 * npm run bench: every suite, each measuring its baseline and its variants in
 * the same run, alternating. Runs the compiled output (build/), which is what
 * the images run; `npm run bench` compiles first. BENCH_ROUNDS (default 3),
 * BENCH_BLOCKS (default 3: new API processes per block in the request suite)
 * and BENCH_SUITES (comma-separated: observe,scrape,requests,worker,synth;
 * `instructions` and `profile` are opt-in; BENCH_INSTRUCTIONS=api or worker
 * counts one part of `instructions`) narrow a run; BENCH_LOG_LEVEL
 * (default warn) sets the services' LOG_LEVEL in every variant, and
 * BENCH_WARM_UP_SECONDS (default 20) how long each API process of the request
 * and profile suites is warmed up before it is measured.
 */
import { execFileSync } from 'node:child_process';
import { withHarnessPinned } from './cpu-pinning';
import { machineLine } from './harness';
import { startLoopbackPeers } from './loopback-peers';
import { SERVICE_NODE } from './service-process';
import { observeSuite, recordingSuite } from './suites/observe';
import { instructionsParts, instructionsSuite } from './suites/instructions';
import { profileSuite } from './suites/profile';
import { requestOverheadSuite } from './suites/request-overhead';
import { scrapeSuite } from './suites/scrape';
import { synthSuite } from './suites/synth';
import { workerThroughputSuite } from './suites/worker-throughput';

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 3) throw new Error('BENCH_ROUNDS accepts an integer of at least 3');
  const blocks = Number(process.env.BENCH_BLOCKS ?? 3);
  if (!Number.isInteger(blocks) || blocks < 1) throw new Error('BENCH_BLOCKS accepts an integer of at least 1');
  const instructions = instructionsParts(process.env.BENCH_INSTRUCTIONS);
  const suites = new Set((process.env.BENCH_SUITES ?? 'observe,scrape,requests,worker,synth').split(','));
  const serviceNode = SERVICE_NODE === process.execPath ? '' : `; services on Node ${execFileSync(SERVICE_NODE, ['--version'], { encoding: 'utf8' }).trim()} (BENCH_SERVICE_NODE)`;
  console.log(`# Gorax benchmarks\n\n${machineLine()}${serviceNode}; ${rounds} rounds; started ${new Date().toISOString()}`);
  const started = Date.now();
  if (suites.has('observe')) {
    await observeSuite(Math.max(rounds, 5));
    await recordingSuite(Math.max(rounds, 5));
  }
  if (suites.has('scrape')) await scrapeSuite(rounds);
  if (suites.has('requests') || suites.has('worker') || suites.has('instructions') || suites.has('profile')) {
    // The loopback peers start on the harness core, with the load generators.
    await withHarnessPinned(async () => {
      const peers = await startLoopbackPeers();
      try {
        if (suites.has('requests')) await requestOverheadSuite(Math.max(rounds, 5), Number(process.env.BENCH_SECONDS ?? 4), blocks, peers);
        if (suites.has('worker')) await workerThroughputSuite(rounds, Number(process.env.BENCH_EXECUTIONS ?? 600), peers);
        // Opt-in: needs valgrind; about 75 minutes for the API and 30-50 for the worker (VM dependent) at 3 rounds and BENCH_LOG_LEVEL=info.
        if (suites.has('instructions')) await instructionsSuite(rounds, peers, instructions);
        // Opt-in: needs Linux perf, about 3.5 minutes per round.
        if (suites.has('profile')) await profileSuite(rounds, peers);
      } finally {
        await peers.close();
      }
    });
  }
  if (suites.has('synth')) await synthSuite(rounds);
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Request overhead: autocannon (no pipelining) against the compiled API's
 * GET /api/v1/workflows/:id (real PostgreSQL) and /health/live, with
 * observability off, metrics only, metrics + tracing at 10% and 100%
 * (exporting to a loopback OTLP/gRPC sink), and everything (tracing 10% +
 * Sentry to a loopback DSN). All variants run as separate API processes at
 * once (idle while another is measured) and are measured in alternation, in
 * blocks: each block starts a new process per variant, because one process
 * can sit several per cent from another of the same build at identical work.
 * Reported: requests/s and CPU µs per request of the API process relative to
 * off, and p50/p99 latency.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { deleteKeysWithPrefix } from '../../test/runtime/support/redis-keys';
import { SERVICE_CPU, pinningLine } from '../cpu-pinning';
import { alternate, formatPaired, heading, pooled, type Results, table, type Variant } from '../harness';
import { type InstrumentationLevel as Level, instrumentationEnv, type LoopbackPeers } from '../loopback-peers';
import { baseServiceEnv, DATABASE_URL, freePort, REDIS_URL, ROOT, SERVICE_LOG_LEVEL, type ServiceProcess, type StartOptions, startService, WARM_UP_SECONDS } from '../service-process';

/** The tenant every benchmark request and execution is made for. */
export const TENANT = 'bench-tenant';

interface RunningApi {
  readonly level: Level;
  readonly api: ServiceProcess;
  readonly port: number;
  readonly workflowId: string;
  readonly schema: string;
  readonly queuePrefix: string;
}

export function tracingPresent(): boolean {
  return existsSync(join(ROOT, 'build', 'lib', 'runtime', 'tracing', 'tracing-sdk.js'));
}

/** `options.cpu`: where the API runs (the measured core here; the harness core when the worker is measured). */
export async function startApiFor(level: Level, peers: LoopbackPeers, tag: string, options: StartOptions & { readonly env?: Record<string, string> } = {}): Promise<RunningApi> {
  const port = await freePort();
  const schema = `gorax_bench_${tag}_${level}`;
  const queuePrefix = `gorax-bench-${tag}-${level}`;
  const api = await startService(
    'api',
    {
      ...baseServiceEnv({ schema, queuePrefix }),
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      ...instrumentationEnv(level, peers),
      ...options.env,
    },
    port,
    options,
  );
  const created = await fetch(`http://127.0.0.1:${port}/api/v1/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
    body: JSON.stringify({
      name: 'bench',
      definition: {
        nodes: [
          { id: 'start', type: 'trigger:manual' },
          { id: 'shape', type: 'action:transform', config: { expression: '{"ok": true}' } },
        ],
        edges: [{ source: 'start', target: 'shape' }],
      },
    }),
  });
  if (created.status !== 201) throw new Error(`creating the bench workflow answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  return { level, api, port, workflowId: id, schema, queuePrefix };
}

/** Leaves the shared PostgreSQL and Redis as they were: drops the runs' schemas and deletes their BullMQ keys. */
export async function cleanUp(runs: readonly Pick<RunningApi, 'schema' | 'queuePrefix'>[]): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const schema of new Set(runs.map((r) => r.schema))) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
  for (const prefix of new Set(runs.map((r) => r.queuePrefix))) await deleteKeysWithPrefix(REDIS_URL, prefix);
}

/**
 * autocannon against `url` for the bench tenant (no pipelining), for `amount` requests or `duration` seconds; any
 * non-2xx answer or error throws, naming `label`.
 */
async function loadChecked(url: string, limit: { readonly amount: number } | { readonly duration: number }, connections: number, label = url) {
  const result = await autocannon({ url, connections, pipelining: 1, ...limit, headers: { 'x-tenant-id': TENANT } });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} of them timeouts)`);
  return result;
}

/** Sends `{ amount }` requests, or requests for `{ duration }` seconds, for the bench tenant over `connections` connections; any non-2xx or error throws. */
export async function sendRequests(url: string, limit: { readonly amount: number } | { readonly duration: number }, connections: number): Promise<void> {
  await loadChecked(url, limit, connections);
}

async function load(target: RunningApi, path: string, seconds: number) {
  const before = target.api.cpuMicros();
  const result = await loadChecked(`http://127.0.0.1:${target.port}${path}`, { duration: seconds }, 10, `${path} on ${target.level}`);
  const cpu = target.api.cpuMicros() - before;
  return {
    reqPerSec: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerReq: cpu / result.requests.total,
  };
}

const ROUTES = [
  ['GET /api/v1/workflows/:id (PostgreSQL)', (r: RunningApi) => `/api/v1/workflows/${r.workflowId}`],
  ['GET /health/live', () => '/health/live'],
] as const;

/** Seconds of load per route before its rounds, after the process's warm-up: connection pools, the route's first series. */
const ROUTE_WARM_UP_SECONDS = 3;

/** Starts one API per level, measures every route in alternated rounds, stops them: one block's results per route. */
async function measureBlock(levels: readonly Level[], block: number, rounds: number, seconds: number, peers: LoopbackPeers): Promise<Results[]> {
  const tag = `${Date.now().toString(36)}b${block}`;
  const running: RunningApi[] = [];
  try {
    for (const level of levels) running.push(await startApiFor(level, peers, tag, { cpu: SERVICE_CPU }));
    // Until V8 has compiled what the workflow route runs (WARM_UP_SECONDS); the routes share most of their code.
    for (const target of running) await load(target, ROUTES[0][1](target), WARM_UP_SECONDS);
    const results: Results[] = [];
    for (const [, path] of ROUTES) {
      for (const target of running) await load(target, path(target), ROUTE_WARM_UP_SECONDS);
      const variants: Variant[] = running.map((target) => ({ name: target.level, run: () => load(target, path(target), seconds) }));
      results.push(await alternate(variants, rounds, undefined, (line) => console.log(`  block ${block} ${line.trimStart()}`)));
    }
    return results;
  } finally {
    await Promise.all(running.map((r) => r.api.stop()));
    await cleanUp(running).catch((error: unknown) => console.error('bench clean-up failed:', error));
  }
}

/**
 * `blocks`: how many times a fresh API process per level is started and
 * measured for `rounds` rounds; the figures pool every block's rounds.
 */
export async function requestOverheadSuite(rounds: number, seconds: number, blocks: number, peers: LoopbackPeers): Promise<void> {
  const levels: Level[] = tracingPresent() ? ['off', 'metrics', 'tracing10', 'tracing100', 'full'] : ['off', 'metrics'];
  heading(
    'Request overhead',
    `autocannon, 10 connections, no pipelining, ${seconds} s per sample, against the compiled API (LOG_LEVEL=${SERVICE_LOG_LEVEL} in every variant); CPU µs per request of the API process from /proc/<pid>/stat (10 ms ticks); ${pinningLine()}; ${blocks} blocks, each with a new API process per variant (warmed up for ${WARM_UP_SECONDS} s on the workflow route, BENCH_WARM_UP_SECONDS, then ${ROUTE_WARM_UP_SECONDS} s per route), of ${rounds} alternated rounds; medians over all ${blocks * rounds} rounds. Variants: off = METRICS_ENABLED=false; metrics; tracing10/tracing100 = metrics + TRACING_ENABLED at 10%/100% sampling to a loopback OTLP/gRPC sink; full = metrics + tracing 10% + SENTRY_ENABLED with a loopback DSN.${tracingPresent() ? '' : ' Tracing is not built: only off and metrics run.'}`,
  );
  const perRoute: Results[][] = ROUTES.map(() => []);
  for (let block = 1; block <= blocks; block++) {
    const results = await measureBlock(levels, block, rounds, seconds, peers);
    results.forEach((result, i) => perRoute[i]!.push(result));
  }
  ROUTES.forEach(([title], i) => {
    const byBlock = perRoute[i]!;
    const medians = pooled(byBlock);
    console.log(`\n${title}:\n`);
    console.log(
      table(medians, [
        { figure: 'reqPerSec', title: 'req/s', ratio: true },
        { figure: 'cpuMicrosPerReq', title: 'CPU µs/req', ratio: true },
        { figure: 'p50Ms', title: 'p50 ms' },
        { figure: 'p99Ms', title: 'p99 ms' },
      ]),
    );
    const off = medians.get('off')!;
    const others = [...medians.keys()].filter((name) => name !== 'off');
    const lines = others.map((name) => {
      const f = medians.get(name)!;
      return `${name} +${(f.cpuMicrosPerReq! - off.cpuMicrosPerReq!).toFixed(1)} µs CPU/req, ${((1 - f.reqPerSec! / off.reqPerSec!) * 100).toFixed(1)}% fewer req/s`;
    });
    console.log(`\nAdded vs off: ${lines.join('; ')}.`);
    const paired = others.map((name) => `${name}: CPU µs/req ${formatPaired(medians.paired(name, 'off', 'cpuMicrosPerReq'))}, req/s ${formatPaired(medians.paired(name, 'off', 'reqPerSec'))}`);
    console.log(`\nPaired by round (variant ÷ off of the same round), median (lowest-highest): ${paired.join('; ')}.`);
    // How far one block's processes sit from another's: the per-process bias the blocks are there to spread.
    const perBlock = others.map((name) => `${name} ${byBlock.map((block) => block.paired(name, 'off', 'cpuMicrosPerReq').median.toFixed(3)).join(', ')}`);
    console.log(`\nPaired CPU µs/req per block (median of the block's rounds): ${perBlock.join('; ')}.`);
  });
  console.log(`\nLoopback peers received: ${peers.counts.exportCalls} OTLP Export calls (${peers.counts.exportBytes} bytes), ${peers.counts.sentryRequests} Sentry requests.`);
}

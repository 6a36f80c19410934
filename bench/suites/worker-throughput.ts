/**
 * Worker throughput end to end (API, Redis, worker, PostgreSQL): executions
 * per second of a one-step workflow at the default WORKER_CONCURRENCY, with
 * every instrumentation off against fully on (metrics, tracing at 10% to a
 * loopback OTLP sink, Sentry to a loopback DSN). Each variant has its own
 * API and worker processes, schema and queue prefix; rounds alternate.
 */
import { Client } from 'pg';
import { HARNESS_CPU, SERVICE_CPU, pinningLine } from '../cpu-pinning';
import { alternate, formatPaired, heading, table, type Variant } from '../harness';
import { type InstrumentationLevel, instrumentationEnv, type LoopbackPeers } from '../loopback-peers';
import { baseServiceEnv, DATABASE_URL, freePort, SERVICE_LOG_LEVEL, type ServiceProcess, type StartOptions, startService } from '../service-process';
import { cleanUp, startApiFor, TENANT, tracingPresent } from './request-overhead';

const SUBMITTERS = 20;

async function finishedCount(db: Client, schema: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.executions WHERE status IN ('completed', 'failed')`);
  return Number(rows[0]!.n);
}

/**
 * Submits `count` executions of the workflow through the API from SUBMITTERS
 * concurrent clients, then waits until PostgreSQL holds them all finished.
 */
export async function runExecutions(db: Client, target: { port: number; workflowId: string; schema: string }, count: number): Promise<void> {
  const base = await finishedCount(db, target.schema);
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < count) {
        next++;
        const response = await fetch(`http://127.0.0.1:${target.port}/api/v1/workflows/${target.workflowId}/executions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
          body: '{"input":{}}',
        });
        if (response.status !== 202) throw new Error(`execution request answered ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  while ((await finishedCount(db, target.schema)) < base + count) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The worker for an API started by startApiFor, with the same instrumentation level, on its own ports. */
export async function startWorkerFor(
  api: { readonly level: InstrumentationLevel; readonly schema: string; readonly queuePrefix: string },
  peers: LoopbackPeers,
  options: StartOptions & { readonly env?: Record<string, string> } = {},
): Promise<ServiceProcess> {
  const healthPort = await freePort();
  return startService(
    'worker',
    {
      ...baseServiceEnv(api),
      WORKER_HEALTH_PORT: String(healthPort),
      METRICS_PORT: String(await freePort()),
      ...instrumentationEnv(api.level, peers),
      ...options.env,
    },
    healthPort,
    options,
  );
}

export async function workerThroughputSuite(rounds: number, executions: number, peers: LoopbackPeers): Promise<void> {
  const levels = tracingPresent() ? (['off', 'full'] as const) : (['off', 'metrics'] as const);
  heading(
    'Worker throughput',
    `${executions} executions of a one-step workflow (trigger:manual → action:transform) per sample, submitted by ${SUBMITTERS} concurrent clients; executions/s from the first POST until PostgreSQL holds all of them finished; default WORKER_CONCURRENCY; compiled services, LOG_LEVEL=${SERVICE_LOG_LEVEL}; the worker is the measured service and its API runs with the harness: ${pinningLine()}; medians of ${rounds} alternated rounds. full = metrics + tracing 10% + Sentry.`,
  );
  const tag = `w${Date.now().toString(36)}`;
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const started: { schema: string; queuePrefix: string; stop: () => Promise<void> }[] = [];
  try {
    const targets: { level: string; port: number; workflowId: string; schema: string; worker: ServiceProcess }[] = [];
    for (const level of levels) {
      const api = await startApiFor(level, peers, tag, { cpu: HARNESS_CPU });
      started.push({ schema: api.schema, queuePrefix: api.queuePrefix, stop: () => api.api.stop() });
      const worker = await startWorkerFor(api, peers, { cpu: SERVICE_CPU });
      started.push({ schema: api.schema, queuePrefix: api.queuePrefix, stop: () => worker.stop() });
      targets.push({ level, port: api.port, workflowId: api.workflowId, schema: api.schema, worker });
    }

    const runBatch = async (target: (typeof targets)[number], count: number) => {
      const start = process.hrtime.bigint();
      const cpuBefore = target.worker.cpuMicros();
      await runExecutions(db, target, count);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return { executionsPerSec: count / seconds, workerCpuMicrosPerExecution: (target.worker.cpuMicros() - cpuBefore) / count };
    };

    // Warm-up, one full sample each: with 100 executions the first rounds were still getting faster (JIT).
    for (const target of targets) await runBatch(target, executions);
    const variants: Variant[] = targets.map((target) => ({ name: target.level, run: () => runBatch(target, executions) }));
    const medians = await alternate(variants, rounds, undefined, (line) => console.log(line));
    console.log('');
    console.log(
      table(medians, [
        { figure: 'executionsPerSec', title: 'executions/s', ratio: true },
        { figure: 'workerCpuMicrosPerExecution', title: 'worker CPU µs/execution', ratio: true },
      ]),
    );
    const variant = levels[1];
    console.log(
      `\nPaired by round (${variant} ÷ off of the same round), median (lowest-highest): executions/s ${formatPaired(medians.paired(variant, 'off', 'executionsPerSec'))}, worker CPU µs/execution ${formatPaired(medians.paired(variant, 'off', 'workerCpuMicrosPerExecution'))}.`,
    );
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await db.end();
    await cleanUp(started).catch((error: unknown) => console.error('bench clean-up failed:', error));
  }
}

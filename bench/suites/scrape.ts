/**
 * Scrape cost: the time to render /metrics into the bytes the metrics server
 * sends (OpenMetrics, which Prometheus asks for; the text format alongside),
 * the longest event-loop delay a render causes, and
 * heap growth per series, at about 1k, 10k and 100k series of the workflow and
 * step metrics (many tenants and workflows). Baseline: the same observations
 * through prom-client used naively (its Histogram/Counter, its Registry). Then
 * the cardinality guard: 10k pairs recorded with METRICS_MAX_WORKFLOW_SERIES
 * at 1000 against unlimited.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Histogram, Registry } from 'prom-client';
import {
  stepExecutionDurationSeconds,
  stepExecutionsTotal,
  workflowExecutionDurationSeconds,
  workflowExecutionsTotal,
} from '../../lib/catalog/metrics';
import { CatalogRegistry } from '../../lib/runtime/metrics/catalog-registry';
import { WorkflowMetrics } from '../../lib/runtime/metrics/workflow-metrics';
import { alternate, format, heading, median, table, type Variant } from '../harness';

/** Exposition samples per tenant/workflow pair with one step type: 2 + 13 (execution) + 2 + 12 (step). */
const SERIES_PER_PAIR = 29;
const RENDERS = 5;
/**
 * Renders before the measured ones: a process scraped every 15 s renders 4 times a minute for hours, and the render
 * code needs tens of renders to reach its steady speed (at 10k series here: about 10 ms for renders 4-8, under 1 ms
 * after 50). Capped by time, so prom-client's 400 ms renders at 100k series do not take minutes.
 */
const WARM_UP_RENDERS = 50;
const WARM_UP_MS = 3_000;

const gc = (globalThis as { gc?: () => void }).gc;

function pair(n: number): [string, string] {
  return [`tenant-${n % 997}`, `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`];
}

/** prom-client's typings omit the constructor's content-type argument its JavaScript takes. */
const PromRegistry = Registry as unknown as new (contentType: string) => Registry;

/** What a scrape costs: the exposition as bytes, ready to send. */
type Render = () => Promise<Buffer>;
interface Scraped {
  readonly render: Render;
}

function naiveRegistry(pairs: number): Scraped {
  const registry = new PromRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
  const labelNames = (d: { labels: object }) => Object.keys(d.labels);
  const executions = new Counter({ name: workflowExecutionsTotal.name, help: workflowExecutionsTotal.help, labelNames: labelNames(workflowExecutionsTotal), registers: [registry] });
  const duration = new Histogram({ name: workflowExecutionDurationSeconds.name, help: workflowExecutionDurationSeconds.help, labelNames: labelNames(workflowExecutionDurationSeconds), buckets: [...workflowExecutionDurationSeconds.buckets!], registers: [registry] });
  const steps = new Counter({ name: stepExecutionsTotal.name, help: stepExecutionsTotal.help, labelNames: labelNames(stepExecutionsTotal), registers: [registry] });
  const stepDuration = new Histogram({ name: stepExecutionDurationSeconds.name, help: stepExecutionDurationSeconds.help, labelNames: labelNames(stepExecutionDurationSeconds), buckets: [...stepExecutionDurationSeconds.buckets!], registers: [registry] });
  for (let n = 0; n < pairs; n++) {
    const [tenant_id, workflow_id] = pair(n);
    for (const status of ['completed', 'failed']) executions.inc({ tenant_id, workflow_id, status }, status === 'completed' ? 1 : 0);
    duration.observe({ tenant_id, workflow_id }, 1.5);
    for (const status of ['completed', 'failed']) steps.inc({ tenant_id, workflow_id, step_type: 'action:http', status }, status === 'completed' ? 1 : 0);
    stepDuration.observe({ tenant_id, workflow_id, step_type: 'action:http' }, 0.2);
  }
  return { render: async () => Buffer.from(await registry.metrics()) };
}

function ourRegistry(pairs: number, limit = 1_000_000, openMetrics = true): Scraped {
  const registry = new CatalogRegistry();
  const metrics = new WorkflowMetrics(registry, limit);
  for (let n = 0; n < pairs; n++) {
    const [tenant, workflow] = pair(n);
    metrics.recordStep(tenant, workflow, 'action:http', 'completed', 0.2);
    metrics.recordExecution(tenant, workflow, 'completed', 1.5);
  }
  return { render: () => registry.exposition(openMetrics) };
}

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** One render of `registry` and how long it took, in ms. */
async function timedRender(registry: Scraped): Promise<{ readonly text: Awaited<ReturnType<Scraped['render']>>; readonly ms: number }> {
  const start = process.hrtime.bigint();
  const text = await registry.render();
  return { text, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/**
 * Builds a registry, renders it once (cold) and RENDERS times (early), warms it up, then renders it RENDERS times
 * (warm); the event-loop delay is sampled at 1 ms resolution throughout the warm renders.
 */
async function measure(build: () => Scraped): Promise<Record<string, number>> {
  const before = heapUsed();
  const registry = build();
  const after = heapUsed();
  // The first render is cold (not yet optimized by the JIT); report it, then warm up like a process scraped every 15 s.
  const coldStart = process.hrtime.bigint();
  const lines = (await registry.render()).toString('utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6;
  // The next renders, as a process's first minute of scrapes: what the suite measured before it warmed up further.
  const early: number[] = [];
  for (let i = 0; i < RENDERS; i++) early.push((await timedRender(registry)).ms);
  const warmUpStart = Date.now();
  for (let rendered = 1 + RENDERS; rendered < WARM_UP_RENDERS && Date.now() - warmUpStart < WARM_UP_MS; rendered++) await registry.render();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const times: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const { text, ms } = await timedRender(registry);
    times.push(ms);
    if (text.length === 0) throw new Error('empty exposition');
    // Let the event-loop monitor take its sample between renders.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  histogram.disable();
  return {
    series: lines,
    coldRenderMs: coldMs,
    earlyRenderMs: median(early),
    renderMs: median(times),
    maxRenderMs: Math.max(...times),
    loopDelayMaxMs: histogram.max / 1e6,
    heapBytesPerSeries: gc ? (after - before) / lines : Number.NaN,
  };
}

export async function scrapeSuite(rounds: number): Promise<void> {
  heading(
    'Scrape cost',
    `The workflow and step metrics rendered to the bytes a scrape sends, OpenMetrics unless marked (prom-client: registry.metrics() then Buffer.from; ours: CatalogRegistry.exposition()); render ms is the median of ${RENDERS} warm renders after up to ${WARM_UP_RENDERS} renders or ${WARM_UP_MS / 1000} s of rendering (the first render, cold, and the median of the ${RENDERS} after it, early, shown apart), event-loop delay the largest seen across them (1 ms resolution), heap per series after two forced GCs${gc ? '' : ' (n/a: run node with --expose-gc)'}; medians of ${rounds} alternated rounds.`,
  );
  for (const target of [1_000, 10_000, 100_000]) {
    const pairs = Math.ceil(target / SERIES_PER_PAIR);
    const variants: Variant[] = [
      { name: 'prom-client naive', run: () => measure(() => naiveRegistry(pairs)) },
      { name: 'ours', run: () => measure(() => ourRegistry(pairs)) },
      { name: 'ours, text format', run: () => measure(() => ourRegistry(pairs, undefined, false)) },
    ];
    const medians = await alternate(variants, rounds, undefined);
    console.log(`\n~${format(target)} series (${pairs} tenant/workflow pairs):\n`);
    console.log(
      table(medians, [
        { figure: 'series', title: 'series' },
        { figure: 'renderMs', title: 'render ms', ratio: true },
        { figure: 'coldRenderMs', title: 'first render ms' },
        { figure: 'earlyRenderMs', title: `renders 2-${RENDERS + 1} ms` },
        { figure: 'loopDelayMaxMs', title: 'max event-loop delay ms' },
        { figure: 'heapBytesPerSeries', title: 'heap bytes/series', ratio: true },
      ]),
    );
  }

  const pairs = 10_000;
  const limit = 1_000;
  const variants: Variant[] = [
    { name: 'unlimited', run: () => measure(() => ourRegistry(pairs)) },
    { name: `METRICS_MAX_WORKFLOW_SERIES=${limit}`, run: () => measure(() => ourRegistry(pairs, limit)) },
  ];
  const medians = await alternate(variants, rounds, undefined);
  console.log(`\nCardinality guard: ${pairs} tenant/workflow pairs recorded:\n`);
  console.log(
    table(medians, [
      { figure: 'series', title: 'series', ratio: true },
      { figure: 'renderMs', title: 'render ms', ratio: true },
      { figure: 'loopDelayMaxMs', title: 'max event-loop delay ms' },
    ]),
  );
}

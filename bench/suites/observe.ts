/**
 * Hot-path recording: one labelled histogram observation (plus, separately,
 * one counter increment), prom-client used naively (a fresh labels object per
 * call), prom-client's cached child, and our cached series, in the same
 * process and run, alternating. Target: ≤ 250 ns per labelled observation.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { httpRequestDurationSeconds, httpRequestsTotal, workflowExecutionDurationSeconds } from '../../lib/catalog/metrics';
import { CatalogRegistry } from '../../lib/runtime/metrics/catalog-registry';
import { HttpMetrics } from '../../lib/runtime/metrics/http-metrics';
import { WorkflowMetrics } from '../../lib/runtime/metrics/workflow-metrics';
import { LabelledCounter } from '../../lib/runtime/metrics/labelled-counter';
import { LabelledHistogram } from '../../lib/runtime/metrics/labelled-histogram';
import { alternate, heading, table, type Variant } from '../harness';

const OPS = 2_000_000;
const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];
const WORKFLOW = '00000000-0000-4000-8000-000000000001';
const BUCKETS = workflowExecutionDurationSeconds.buckets!;

/** ns per call of fn over OPS calls, after a warm-up. Values cycle through every bucket. */
function nsPerOp(fn: (i: number) => void): number {
  for (let i = 0; i < 200_000; i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / OPS;
}

const value = (i: number) => (i % 400) * 0.9;

export async function observeSuite(rounds: number): Promise<void> {
  heading('Hot-path recording', `${OPS.toLocaleString()} operations per sample over ${TENANTS.length} label sets; ns per operation, median of ${rounds} alternated rounds.`);
  const labelNames = ['tenant_id', 'workflow_id'];
  const promHistogram = new Histogram({ name: 'h', help: 'h', labelNames, buckets: [...BUCKETS], registers: [new Registry()] });
  const promCounter = new Counter({ name: 'c_total', help: 'c', labelNames, registers: [new Registry()] });
  const ourHistogram = new LabelledHistogram('h', 'h', labelNames, BUCKETS);
  const ourCounter = new LabelledCounter('c_total', 'c', labelNames);
  const promChildren = TENANTS.map((t) => promHistogram.labels({ tenant_id: t, workflow_id: WORKFLOW }));
  const promCounterChildren = TENANTS.map((t) => promCounter.labels({ tenant_id: t, workflow_id: WORKFLOW }));
  const ourSeries = TENANTS.map((t) => ourHistogram.labels({ tenant_id: t, workflow_id: WORKFLOW }));
  const ourCounterSeries = TENANTS.map((t) => ourCounter.labels({ tenant_id: t, workflow_id: WORKFLOW }));

  const variants: Variant[] = [
    {
      name: 'prom-client naive',
      run: () => ({
        observe: nsPerOp((i) => promHistogram.observe({ tenant_id: TENANTS[i & 3]!, workflow_id: WORKFLOW }, value(i))),
        inc: nsPerOp((i) => promCounter.inc({ tenant_id: TENANTS[i & 3]!, workflow_id: WORKFLOW })),
      }),
    },
    {
      name: 'prom-client cached child',
      run: () => ({
        observe: nsPerOp((i) => promChildren[i & 3]!.observe(value(i))),
        inc: nsPerOp((i) => promCounterChildren[i & 3]!.inc()),
      }),
    },
    {
      name: 'ours (cached series)',
      run: () => ({
        observe: nsPerOp((i) => ourSeries[i & 3]!.observe(value(i))),
        inc: nsPerOp((i) => ourCounterSeries[i & 3]!.inc()),
      }),
    },
  ];
  const medians = await alternate(variants, rounds, undefined);
  console.log(
    table(medians, [
      { figure: 'observe', title: 'histogram observe ns', ratio: true },
      { figure: 'inc', title: 'counter inc ns', ratio: true },
    ]),
  );
}

/**
 * What the services record per request and per execution, in process (the
 * server-process CPU figures of the request suite are too noisy on a shared
 * 2-core machine to resolve a microsecond): HttpMetrics.record, as the API's
 * onResponse hook calls it, against prom-client used naively for the same two
 * samples; and one one-step execution in WorkflowMetrics.
 */
export async function recordingSuite(rounds: number): Promise<void> {
  heading('Recording per request and per execution', `${OPS.toLocaleString()} calls per sample; ns per call, median of ${rounds} alternated rounds.`);
  const naiveRegistry = new Registry();
  const requests = new Counter({ name: httpRequestsTotal.name, help: 'h', labelNames: ['method', 'path', 'status'], registers: [naiveRegistry] });
  const durations = new Histogram({ name: httpRequestDurationSeconds.name, help: 'h', labelNames: ['method', 'path'], buckets: [...httpRequestDurationSeconds.buckets!], registers: [naiveRegistry] });
  const http = new HttpMetrics(new CatalogRegistry());
  const workflows = new WorkflowMetrics(new CatalogRegistry(), 5000);
  const route = '/api/v1/workflows/:id';
  const variants: Variant[] = [
    {
      name: 'prom-client naive',
      run: () => ({
        request: nsPerOp((i) => {
          requests.inc({ method: 'GET', path: route, status: '200' });
          durations.observe({ method: 'GET', path: route }, (i % 100) * 0.001);
        }),
      }),
    },
    {
      name: 'ours',
      run: () => ({
        request: nsPerOp((i) => http.record('GET', route, 200, (i % 100) * 0.001)),
        execution: nsPerOp((i) => {
          workflows.recordStep(TENANTS[i & 3]!, WORKFLOW, 'action:transform', 'completed', 0.001);
          workflows.recordExecution(TENANTS[i & 3]!, WORKFLOW, 'completed', 0.002);
        }),
      }),
    },
  ];
  const medians = await alternate(variants, rounds, undefined);
  medians.get('prom-client naive')!.execution = Number.NaN;
  console.log(
    table(medians, [
      { figure: 'request', title: 'one HTTP request recorded ns', ratio: true },
      { figure: 'execution', title: 'one one-step execution recorded ns' },
    ]),
  );
}

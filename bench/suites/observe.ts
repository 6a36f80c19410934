/**
 * Hot-path recording: one labelled histogram observation (plus, separately,
 * one counter increment), prom-client used naively (a fresh labels object per
 * call), prom-client's cached child, and our cached series, in the same
 * process and run, alternating. Target: ≤ 250 ns per labelled observation.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { workflowExecutionDurationSeconds } from '../../lib/catalog/metrics';
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

/**
 * SLOW (end to end, ~4 min): the shipped alerting rules, with every `for`,
 * the evaluation interval and Alertmanager's route timings scaled by
 * E2E_TIME_SCALE (1/30; expressions and thresholds as shipped), evaluated
 * by a real Prometheus over the real API and worker processes, routed by a
 * real Alertmanager with the generated routes and inhibitions to the webhook
 * sink, which records each notification per receiver.
 *
 * One stack for the whole file; the cases run in order and each leaves the
 * system healthy: steady workload → failing workflows → every worker stopped
 * with a backlog → Redis stopped. The services use a test-owned Redis (so the
 * test may stop it) and their own schema on the shared PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECEIVERS } from '../../lib/k8s/alertmanager-config';
import { eventually } from '../runtime/support/eventually';
import { startHttpTarget, type HttpTarget } from '../runtime/support/http-target';
import { createOwnedRedis, type OwnedRedis } from '../runtime/support/owned-redis';
import { alertsInState, deliveries, waitDelivered, waitFiringInPrometheus, waitGoneFromPrometheus, waitInhibited } from './support/alert-checks';
import { E2E_TIME_SCALE, startObservedServices, type ObservedServices } from './support/observed-services';
import { createWorkflows, execute, inParallel, type E2eWorkflows } from './support/workloads';

jest.setTimeout(180_000);

let redis: OwnedRedis;
let target: HttpTarget;
let stack: ObservedServices;
let flows: E2eWorkflows;

beforeAll(async () => {
  redis = await createOwnedRedis();
  await redis.start();
  target = await startHttpTarget();
  stack = await startObservedServices({ env: { REDIS_URL: redis.url } });
  flows = await createWorkflows(stack.api, target.url);
});

afterAll(async () => {
  await stack?.stop();
  await target?.close();
  await redis?.destroy();
});

/** A background load that runs until stopped; `next` picks each execution's workflow (or none to skip a beat). */
function drive(next: () => Promise<string | undefined> | string | undefined, options: { everyMs: number; parallel?: number }) {
  let running = true;
  let submitted = 0;
  const loops = Array.from({ length: options.parallel ?? 1 }, async () => {
    while (running) {
      const workflow = await next();
      if (workflow) {
        await execute(stack.api, workflow).catch(() => undefined);
        submitted += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, options.everyMs));
    }
  });
  return {
    get submitted() {
      return submitted;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const FAILURE_RATIO = 'job:gorax_workflow_executions:failure_ratio_rate5m{job="gorax-worker"}';
async function failureRatio(): Promise<number> {
  const [sample] = await stack.prometheus.vector(FAILURE_RATIO);
  return sample ? Number(sample.value[1]) : 0;
}

it('a healthy steady workload for 20 scaled minutes raises no alert other than the Watchdog', async () => {
  // Before the first scrapes the fleet looks empty (LowWorkerCount pending): start from a clean slate.
  await eventually(async () => ((await stack.prometheus.vector('ALERTS{alertname!="Watchdog"}')).length === 0 ? true : undefined), {
    timeoutMs: 60_000,
    what: 'no alert but the Watchdog',
  });
  const since = Date.now();
  let turn = 0;
  const load = drive(() => (turn++ % 2 === 0 ? flows.succeeding : flows.httpOk), { everyMs: 400 });
  // 40 s at 1/30 is 20 minutes of rule time: twice the longest `for` (10m).
  await new Promise((resolve) => setTimeout(resolve, 40_000));
  await load.stop();
  expect(load.submitted).toBeGreaterThan(50);

  const seconds = Math.floor((Date.now() - since) / 1000);
  // Firing, not pending: on a fresh system WorkflowExecutionStalled is briefly pending until the first execution
  // finishes (nothing has completed yet); its 10m `for` is what keeps that from firing.
  const anyOther = await stack.prometheus.vector(`count_over_time(ALERTS{alertname!="Watchdog", alertstate="firing"}[${seconds}s])`);
  expect(anyOther.map((s) => `${s.metric.alertname} ${s.metric.alertstate}`)).toEqual([]);
  const received = deliveries(stack.sink, { since });
  expect(received.filter((n) => n.alertname !== 'Watchdog')).toEqual([]);
  // The dead man's switch is alive and goes to the heartbeat receiver only.
  expect(received.length).toBeGreaterThan(0);
  expect(new Set(received.map((n) => `${n.receiver} ${n.alertname}`))).toEqual(new Set([`${RECEIVERS.heartbeat} Watchdog`]));
  expect(await alertsInState(stack.prometheus, 'firing')).toEqual(['Watchdog']);
});

it('failing workflows raise HighWorkflowFailureRate, then CriticalWorkflowFailureRate with the warning inhibited; both resolve', async () => {
  const since = Date.now();
  let mode: 'mix' | 'fail' | 'succeed' = 'mix';
  // Between the thresholds (0.1 warning, 0.25 critical): a failing execution whenever the recorded ratio is below 0.17.
  const load = drive(
    async () => {
      if (mode === 'fail') return flows.failing;
      if (mode === 'succeed') return flows.succeeding;
      return (await failureRatio()) < 0.17 ? flows.failing : flows.succeeding;
    },
    { everyMs: 150 },
  );
  try {
    await waitDelivered(stack.sink, { receiver: RECEIVERS.chat, alertname: 'HighWorkflowFailureRate', status: 'firing', since });
    expect(deliveries(stack.sink, { alertname: 'CriticalWorkflowFailureRate', since })).toEqual([]);

    mode = 'fail';
    await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'CriticalWorkflowFailureRate', status: 'firing', since });
    expect(await failureRatio()).toBeGreaterThan(0.25);
    // Both fire in Prometheus; Alertmanager mutes the warning, the critical explains it.
    expect(await alertsInState(stack.prometheus, 'firing')).toEqual(expect.arrayContaining(['CriticalWorkflowFailureRate', 'HighWorkflowFailureRate']));
    await waitInhibited(stack.alertmanager, 'HighWorkflowFailureRate');

    // The cause removed: only succeeding executions, until the 5m ratio falls below 0.1.
    mode = 'succeed';
    await load.stop();
    const flood = drive(() => flows.succeeding, { everyMs: 20, parallel: 6 });
    try {
      await waitGoneFromPrometheus(stack.prometheus, ['HighWorkflowFailureRate', 'CriticalWorkflowFailureRate'], 150_000);
    } finally {
      await flood.stop();
    }
    await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'CriticalWorkflowFailureRate', status: 'resolved', since });
  } finally {
    await load.stop();
  }
  expect(await failureRatio()).toBeLessThan(0.1);
  // Each reached only its own receiver.
  expect(deliveries(stack.sink, { alertname: 'HighWorkflowFailureRate', since }).map((n) => n.receiver)).not.toContain(RECEIVERS.paging);
  expect(deliveries(stack.sink, { alertname: 'CriticalWorkflowFailureRate', since }).map((n) => n.receiver)).not.toContain(RECEIVERS.chat);
});

it('every worker stopped: NoActiveWorkers (LowWorkerCount inhibited); a backlog of >1000 raises QueueBacklog; both resolve when the worker is back', async () => {
  const since = Date.now();
  await stack.stopWorker();
  let workerBack = false;
  try {
    await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'NoActiveWorkers', status: 'firing', since });

    // The backlog goes in through the API's own enqueue path: 1100 POST /executions, 20 in flight.
    const ids = await inParallel(1100, 20, (i) => execute(stack.api, flows.succeeding, i));
    expect(new Set(ids).size).toBe(1100);
    // Nothing takes jobs: the recorded depth reaches all 1100 (the collector and the scrape lag a little).
    await eventually(async () => {
      const samples = await stack.prometheus.vector('queue:gorax_queue_depth:max{queue="default"}');
      return samples.length > 0 && Number(samples[0]!.value[1]) >= 1100 ? true : undefined;
    }, { timeoutMs: 30_000, what: 'recorded queue depth of at least 1100' });
    await waitDelivered(stack.sink, { receiver: RECEIVERS.chat, alertname: 'QueueBacklog', status: 'firing', since });

    await waitFiringInPrometheus(stack.prometheus, 'LowWorkerCount');
    await waitInhibited(stack.alertmanager, 'LowWorkerCount');
    expect(deliveries(stack.sink, { alertname: 'LowWorkerCount', since })).toEqual([]);

    await stack.startWorker();
    workerBack = true;
  } finally {
    // Later cases need a worker even when this one failed.
    if (!workerBack) await stack.startWorker();
  }
  await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'NoActiveWorkers', status: 'resolved', since });
  await waitDelivered(stack.sink, { receiver: RECEIVERS.chat, alertname: 'QueueBacklog', status: 'resolved', since }, 150_000);
  await waitGoneFromPrometheus(stack.prometheus, ['NoActiveWorkers', 'LowWorkerCount', 'QueueBacklog']);
  expect(deliveries(stack.sink, { alertname: 'LowWorkerCount', since })).toEqual([]);
  expect(deliveries(stack.sink, { alertname: 'NoActiveWorkers', since }).map((n) => n.receiver)).not.toContain(RECEIVERS.chat);
});

it('the test-owned Redis stopped raises RedisConnectionFailure to paging; it resolves when Redis is back', async () => {
  const since = Date.now();
  await redis.stop();
  try {
    await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'RedisConnectionFailure', status: 'firing', since });
    // Both services check Redis: the alert fires per job.
    await eventually(async () => {
      const failing = await stack.prometheus.vector('ALERTS{alertname="RedisConnectionFailure", alertstate="firing"}');
      return failing.map((s) => s.metric.job).sort().join(',') === 'gorax-api,gorax-worker' ? true : undefined;
    }, { timeoutMs: 30_000, what: 'RedisConnectionFailure firing for gorax-api and gorax-worker' });
  } finally {
    await redis.start();
  }
  await waitGoneFromPrometheus(stack.prometheus, ['RedisConnectionFailure']);
  await waitDelivered(stack.sink, { receiver: RECEIVERS.paging, alertname: 'RedisConnectionFailure', status: 'resolved', since });
  expect(deliveries(stack.sink, { alertname: 'RedisConnectionFailure', since }).map((n) => n.receiver)).not.toContain(RECEIVERS.chat);
});

it('the factor these tests ran with is the one the guide documents', () => {
  const guide = readFileSync(join(__dirname, '..', '..', 'docs', 'observability.md'), 'utf8');
  const documented = /end-to-end tests use\s+\*\*1\/(\d+)\*\*/.exec(guide);
  expect(documented).not.toBeNull();
  expect(E2E_TIME_SCALE).toBeCloseTo(1 / Number(documented![1]), 10);
});

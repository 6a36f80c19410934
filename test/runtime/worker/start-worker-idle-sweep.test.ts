/**
 * The worker runs WorkflowMetrics' idle sweep with
 * METRICS_WORKFLOW_SERIES_IDLE_SECONDS once it has started, and stops it on
 * close. What the sweep evicts is tested in
 * test/runtime/metrics/workflow-metrics.test.ts.
 */
import { type IdleSweep, WorkflowMetrics } from '../../../lib/runtime/metrics/workflow-metrics';
import { startWorker } from '../../../lib/runtime/worker/start-worker';
import { createTestEnvironment } from '../support/test-environment';

const environment = createTestEnvironment({ METRICS_WORKFLOW_SERIES_IDLE_SECONDS: '120' });

afterAll(() => environment.cleanup());
afterEach(() => jest.restoreAllMocks());

it('starts the idle sweep with METRICS_WORKFLOW_SERIES_IDLE_SECONDS and stops it on close', async () => {
  const startIdleSweep = jest.spyOn(WorkflowMetrics.prototype, 'startIdleSweep');
  const worker = await startWorker(environment.config());
  let stop: jest.SpyInstance | undefined;
  try {
    expect(startIdleSweep.mock.calls).toEqual([[120]]);
    stop = jest.spyOn(startIdleSweep.mock.results[0]!.value as IdleSweep, 'stop');
    expect(stop).not.toHaveBeenCalled();
  } finally {
    await worker.close();
  }
  expect(stop).toHaveBeenCalledTimes(1);
});

it('runs no sweep without metrics', async () => {
  const startIdleSweep = jest.spyOn(WorkflowMetrics.prototype, 'startIdleSweep');
  const worker = await startWorker(environment.config({ METRICS_ENABLED: 'false' }));
  await worker.close();
  expect(startIdleSweep).not.toHaveBeenCalled();
});

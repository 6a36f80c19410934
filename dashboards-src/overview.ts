/**
 * gorax-overview: the first dashboard on-call opens. The seed's seven panels,
 * a row of firing alerts, and links to the workflows, API and workers dashboards.
 *
 * Rate windows: panels with an alert behind them (success rate, duration,
 * queue depth, workers) chart the recorded series the alert evaluates (5m
 * windows), so they cross the drawn threshold exactly when the alert
 * condition is true; the other rates use raw counters over $__rate_interval.
 */
import { alerts, up } from '../lib/catalog/external-metrics';
import { httpRequestsTotal, workflowExecutionsTotal } from '../lib/catalog/metrics';
import { JOBS } from '../lib/catalog/target-labels';
import { THRESHOLDS } from '../lib/config/thresholds';
import { aggregateBy, histogramQuantile, increaseOverDashboardRange, rate, ratio, sumBy, topk } from '../lib/promql/functions';
import { oneOf, select } from '../lib/promql/selector';
import { percent } from '../lib/rules/format';
import { fleetWorkerSlots, queueDepthMax } from '../alerts-src/queue-workers';
import { workflowDurationBucketRate, workflowExecutionsRate } from '../alerts-src/workflows';
import { buildDashboard, type GrafanaDashboard } from './layout';
import { stat, table, timeseries } from './panels';
import { alertAbove, alertBelow, complement } from './thresholds';

/** The seed dashboard's seven panels, by title (the overview must keep them). */
export const SEED_PANEL_TITLES = [
  'Workflow Execution Rate by status',
  'Workflow Success Rate',
  'Active Workers',
  'HTTP Request Rate by status',
  'Queue Depth',
  'Workflow Duration p50/p95/p99',
  'Top Workflows by execution count',
] as const;

const [executionRate, successRate, activeWorkersTitle, httpRate, queueDepthTitle, durationTitle, topWorkflows] = SEED_PANEL_TITLES;

export function overviewDashboard(): GrafanaDashboard {
  const { workflowFailureRatio, workflowDurationP95Seconds, queueDepth, workerSlots } = THRESHOLDS;
  const firing = select(alerts, { alertstate: 'firing', severity: oneOf('critical', 'warning') });
  return buildDashboard({
    uid: 'gorax-overview',
    title: 'Gorax / Overview',
    description: 'Gorax at a glance: firing alerts, workflow throughput and success, workers, queue and API traffic.',
    rows: [
      {
        title: 'Firing alerts',
        panels: [
          stat({
            title: 'Firing alerts by severity',
            description:
              'How many alert series are firing now, by severity (ALERTS, info alerts such as the Watchdog heartbeat left out). Each alert names the dashboard that shows its signal in its dashboard_url annotation.',
            unit: 'short',
            queries: [{ expr: aggregateBy('count', ['severity'], firing), legend: '{{severity}}' }],
            thresholds: alertAbove({ critical: 1 }, 'firing alerts'),
            noValue: '0',
            width: 5,
            height: 7,
          }),
          stat({
            title: 'Scrape targets up',
            description:
              'How many processes of each Gorax job Prometheus scraped successfully at the last scrape; 0 when the job has no target at all, the GoraxJobAbsent signal (its alerts then cannot fire).',
            unit: 'short',
            queries: Object.values(JOBS).map((job) => ({ expr: `${sumBy([], select(up, { job }))} or vector(0)`, legend: job })),
            thresholds: alertBelow({ critical: 1 }, 'scrape targets up'),
            decimals: 0,
            width: 5,
            height: 7,
          }),
          table({
            title: 'Firing alerts',
            description:
              'Every critical or warning alert firing now (ALERTS{alertstate="firing"}), with the job it concerns and how many series fire. Follow the alert\'s runbook_url and dashboard_url annotations from Alertmanager.',
            unit: 'short',
            valueColumn: 'Firing series',
            queries: [{ expr: aggregateBy('count', ['alertname', 'severity', 'job'], firing) }],
            decimals: 0,
            width: 14,
            height: 7,
          }),
        ],
      },
      {
        title: 'Workflows',
        panels: [
          timeseries({
            title: executionRate,
            description:
              'Workflow executions finishing per second, by outcome (completed or failed), from gorax_workflow_executions_total over $__rate_interval.',
            unit: 'ops',
            queries: [{ expr: sumBy(['status'], rate(select(workflowExecutionsTotal), '$__rate_interval')), legend: '{{status}}' }],
            min: 0,
            width: 9,
            height: 8,
          }),
          stat({
            title: successRate,
            description: `Share of finished workflow executions that completed, over 5m windows: the recorded series the HighWorkflowFailureRate and CriticalWorkflowFailureRate alerts evaluate (orange below ${percent(1 - workflowFailureRatio.warning)}, red below ${percent(1 - workflowFailureRatio.critical)} success).`,
            unit: 'percentunit',
            queries: [
              {
                expr: ratio(select(workflowExecutionsRate, { status: 'completed' }), select(workflowExecutionsRate), []),
                legend: 'success',
              },
            ],
            thresholds: alertBelow(complement(workflowFailureRatio), 'workflow success rate'),
            min: 0,
            max: 1,
            width: 5,
            height: 8,
          }),
          timeseries({
            title: durationTitle,
            description: `Workflow execution time percentiles across the fleet, from the recorded 5m bucket rates the SlowWorkflowExecutions alert uses; the dashed line is its p95 threshold (${workflowDurationP95Seconds.warning}s).`,
            unit: 's',
            queries: [0.5, 0.95, 0.99].map((q) => ({
              expr: histogramQuantile(q, sumBy(['le'], select(workflowDurationBucketRate))),
              legend: `p${Math.round(q * 100)}`,
            })),
            thresholds: alertAbove(workflowDurationP95Seconds, 'workflow duration p95'),
            min: 0,
            width: 10,
            height: 8,
          }),
          table({
            title: topWorkflows,
            description:
              'The ten workflows that finished the most executions in the selected time range (sums of increase() over consecutive $__rate_interval windows), with their tenant.',
            unit: 'short',
            valueColumn: 'Executions',
            queries: [{ expr: topk(10, increaseOverDashboardRange(select(workflowExecutionsTotal), ['tenant_id', 'workflow_id'])) }],
            decimals: 0,
            width: 24,
            height: 8,
          }),
        ],
      },
      {
        title: 'Workers and queue',
        panels: [
          stat({
            title: activeWorkersTitle,
            description: `Live worker slots across the whole worker fleet (the sum of gorax_active_workers over ${JOBS.worker}; 0 when no worker reports): the NoActiveWorkers (below ${workerSlots.critical}) and LowWorkerCount (below ${workerSlots.warning}) signal.`,
            unit: 'short',
            queries: [{ expr: fleetWorkerSlots, legend: 'worker slots' }],
            thresholds: alertBelow({ critical: workerSlots.critical, warning: workerSlots.warning }, 'active workers'),
            decimals: 0,
            width: 6,
            height: 8,
          }),
          timeseries({
            title: queueDepthTitle,
            description: `Jobs waiting in each queue (not running), the fleet-wide maximum recorded for the QueueBacklog (${queueDepth.warning}) and QueueBacklogCritical (${queueDepth.critical}) alerts.`,
            unit: 'short',
            queries: [{ expr: select(queueDepthMax), legend: '{{queue}}' }],
            thresholds: alertAbove(queueDepth, 'queue depth'),
            min: 0,
            width: 18,
            height: 8,
          }),
        ],
      },
      {
        title: 'API',
        panels: [
          timeseries({
            title: httpRate,
            description: `Requests the API answers per second, by HTTP status code, from gorax_http_requests_total (job ${JOBS.api}) over $__rate_interval. Health probes included.`,
            unit: 'reqps',
            queries: [{ expr: sumBy(['status'], rate(select(httpRequestsTotal, { job: JOBS.api }), '$__rate_interval')), legend: '{{status}}' }],
            min: 0,
            width: 24,
            height: 8,
          }),
        ],
      },
    ],
  });
}

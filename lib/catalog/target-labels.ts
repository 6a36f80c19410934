/**
 * Labels Prometheus attaches to every scraped series. `job` is closed: the
 * scrape configuration names exactly these jobs, one per Gorax process.
 */
import type { ClosedLabel, OpenLabel } from './metric-definition';

export const JOBS = { api: 'gorax-api', worker: 'gorax-worker' } as const;
export type Job = (typeof JOBS)[keyof typeof JOBS];

export const TARGET_LABELS = {
  job: {
    description: 'The scrape job: which Gorax process exported the series.',
    values: [JOBS.api, JOBS.worker],
  } as const satisfies ClosedLabel,
  instance: { description: 'The scraped address (pod IP and metrics port).', pattern: /^.+$/ } as OpenLabel,
  namespace: { description: 'The Kubernetes namespace of the pod.', pattern: /^[a-z0-9-]+$/ } as OpenLabel,
  pod: { description: 'The Kubernetes pod name.', pattern: /^[a-z0-9.-]+$/ } as OpenLabel,
} as const;

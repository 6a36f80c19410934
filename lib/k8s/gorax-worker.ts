/**
 * GoraxWorker: the workflow worker's Deployment, with probes on `health`,
 * metrics on `metrics`, and a grace period long enough to finish the
 * executions it is running when it gets SIGTERM. No Service: nothing calls it.
 */
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments';
import { PORT_NAMES, PORTS } from '../config/service-contract';
import type { GoraxEnvironment } from './gorax-environment';
import { GoraxWorkload, serviceImage } from './gorax-workload';
import { NAMES } from './names';
import { SHUTDOWN_TIMING } from './shutdown-timing';

/** Running workflows drain before SIGKILL (shutdown-timing.ts). */
export const WORKER_TERMINATION_GRACE_SECONDS = SHUTDOWN_TIMING.worker.terminationGracePeriodSeconds;

export interface GoraxWorkerProps {
  readonly env: EnvironmentConfig;
  readonly environment: GoraxEnvironment;
}

export class GoraxWorker extends Construct {
  readonly workload: GoraxWorkload;

  constructor(scope: Construct, id: string, props: GoraxWorkerProps) {
    super(scope, id);
    const { env } = props;
    this.workload = new GoraxWorkload(this, 'Workload', {
      service: 'worker',
      name: NAMES.worker,
      namespace: env.namespace,
      image: serviceImage(env, 'worker'),
      settings: env.worker,
      environment: props.environment,
      probePort: { name: PORT_NAMES.health, number: PORTS.workerHealth },
      terminationGracePeriodSeconds: WORKER_TERMINATION_GRACE_SECONDS,
    });
  }
}

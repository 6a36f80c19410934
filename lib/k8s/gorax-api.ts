/**
 * GoraxApi: the workflow API's Deployment (traffic and probes on `http`,
 * metrics on `metrics`) and its Service, which exposes `http` only: metrics
 * are reached by Prometheus through pod discovery, never through the Service.
 */
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments';
import { PORT_NAMES, PORTS } from '../config/service-contract';
import type { GoraxEnvironment } from './gorax-environment';
import { GoraxWorkload, serviceImage } from './gorax-workload';
import { namedService } from './named-service';
import { NAMES } from './names';
import { SHUTDOWN_TIMING } from './shutdown-timing';

/** Readiness delay plus draining in-flight requests, with a margin (shutdown-timing.ts). */
export const API_TERMINATION_GRACE_SECONDS = SHUTDOWN_TIMING.api.terminationGracePeriodSeconds;

export interface GoraxApiProps {
  readonly env: EnvironmentConfig;
  readonly environment: GoraxEnvironment;
}

export class GoraxApi extends Construct {
  readonly workload: GoraxWorkload;
  readonly service: kplus.Service;

  constructor(scope: Construct, id: string, props: GoraxApiProps) {
    super(scope, id);
    const { env } = props;
    this.workload = new GoraxWorkload(this, 'Workload', {
      service: 'api',
      name: NAMES.api,
      namespace: env.namespace,
      image: serviceImage(env, 'api'),
      settings: env.api,
      environment: props.environment,
      probePort: { name: PORT_NAMES.http, number: PORTS.apiHttp },
      terminationGracePeriodSeconds: API_TERMINATION_GRACE_SECONDS,
    });
    this.service = namedService(this, 'Service', {
      name: NAMES.api,
      namespace: env.namespace,
      labels: this.workload.podLabels,
      selects: NAMES.api,
      port: { name: PORT_NAMES.http, number: PORTS.apiHttp },
    });
  }
}

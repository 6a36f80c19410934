/**
 * The Gorax namespace of one environment: the namespace itself (Pod Security
 * "restricted" enforced), the configuration, the API and the worker, and the
 * namespace's NetworkPolicies.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/environments';
import { GoraxApi } from './gorax-api';
import { GoraxEnvironment } from './gorax-environment';
import { GoraxWorker } from './gorax-worker';
import { GoraxNetworkPolicies } from './network-policies';

/** Pod Security Admission labels: the cluster itself rejects a pod that breaks the container rules. */
export const RESTRICTED_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'v1.28',
} as const;

export interface GoraxChartProps {
  readonly env: EnvironmentConfig;
}

export class GoraxChart extends Chart {
  readonly api: GoraxApi;
  readonly worker: GoraxWorker;
  readonly environment: GoraxEnvironment;

  constructor(scope: Construct, id: string, props: GoraxChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { env } = props;
    new kplus.Namespace(this, 'Namespace', { metadata: { name: env.namespace, labels: { ...RESTRICTED_NAMESPACE_LABELS } } });
    this.environment = new GoraxEnvironment(this, 'Environment', { env });
    this.api = new GoraxApi(this, 'Api', { env, environment: this.environment });
    this.worker = new GoraxWorker(this, 'Worker', { env, environment: this.environment });
    new GoraxNetworkPolicies(this, 'NetworkPolicies', { env });
  }
}

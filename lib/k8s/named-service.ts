/**
 * A ClusterIP Service that selects pods by their stable name label only.
 * Given a workload as `selector`, cdk8s-plus-28 would select by its hashed
 * `cdk8s.io/metadata.addr` label, which our pod templates do not carry.
 */
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { NAME_LABEL } from './names';

export interface NamedServiceProps {
  /** Service name. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Value of `app.kubernetes.io/name` on the pods it routes to. */
  readonly selects: string;
  /** The one named port it exposes; the target is the container port of the same number. */
  readonly port: { readonly name: string; readonly number: number };
}

export function namedService(scope: Construct, id: string, props: NamedServiceProps): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels } },
    ports: [{ name: props.port.name, port: props.port.number, targetPort: props.port.number }],
  });
  service.selectLabel(NAME_LABEL, props.selects);
  return service;
}

/**
 * NetworkPolicies: default deny (ingress and egress) in both namespaces, then
 * exactly the flows the stack needs. Written with the raw NetworkPolicy
 * because cdk8s-plus-28's policies take numeric ports only, and the Gorax
 * rules name ports (`http`, `metrics`) so they follow the containers'
 * declared ports rather than restating numbers.
 *
 * Kubelet probes come from the node and are not subject to these policies on
 * the common CNIs, so no rule opens the probe ports.
 */
import { Construct } from 'constructs';
import {
  IntOrString,
  KubeNetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from 'cdk8s-plus-28/lib/imports/k8s';
import type { EnvironmentConfig } from '../config/environments';
import { PORT_NAMES } from '../config/service-contract';
import { ALERTMANAGER_PORT } from './alertmanager';
import { GRAFANA_PORT } from './grafana';
import { JAEGER_PORTS } from './jaeger';
import { componentLabels, NAME_LABEL, NAMES } from './names';
import { PROMETHEUS_PORT } from './prometheus-server';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Link-local (cloud metadata), loopback and private ranges: never reachable through the public-internet rules. */
export const NON_PUBLIC_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8'] as const;

const tcp = (port: number | string): NetworkPolicyPort => ({
  protocol: 'TCP',
  port: typeof port === 'number' ? IntOrString.fromNumber(port) : IntOrString.fromString(port),
});

function pods(names: readonly string[], namespace?: string): NetworkPolicyPeer {
  return {
    podSelector: names.length === 1 ? { matchLabels: { [NAME_LABEL]: names[0]! } } : { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: [...names] }] },
    ...(namespace === undefined ? {} : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } }),
  };
}

function namespacePods(namespace: string): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

/** Cluster DNS (kube-dns / CoreDNS in kube-system), which every pod that resolves a name needs. */
export const DNS_EGRESS: NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, tcp(53)],
};

const publicInternet: NetworkPolicyPeer = { ipBlock: { cidr: '0.0.0.0/0', except: [...NON_PUBLIC_CIDRS] } };

interface PolicySpec {
  readonly name: string;
  /** Pod names the policy selects; empty selects every pod of the namespace. */
  readonly selects: readonly string[];
  readonly ingress?: readonly NetworkPolicyIngressRule[];
  readonly egress?: readonly NetworkPolicyEgressRule[];
}

function policy(scope: Construct, namespace: string, partOf: 'gorax' | 'gorax-monitoring', spec: PolicySpec): KubeNetworkPolicy {
  const policyTypes = [...(spec.ingress ? ['Ingress'] : []), ...(spec.egress ? ['Egress'] : [])];
  return new KubeNetworkPolicy(scope, spec.name, {
    metadata: { name: spec.name, namespace, labels: componentLabels(spec.name, 'network-policy', partOf) },
    spec: {
      podSelector: spec.selects.length === 0 ? {} : (pods(spec.selects).podSelector ?? {}),
      policyTypes,
      ...(spec.ingress && spec.ingress.length > 0 ? { ingress: [...spec.ingress] } : {}),
      ...(spec.egress && spec.egress.length > 0 ? { egress: [...spec.egress] } : {}),
    },
  });
}

export const DEFAULT_DENY = 'default-deny';

/** The Gorax namespace: the API's `http` from the ingress controller, `metrics` from Prometheus only. */
export class GoraxNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: { readonly env: EnvironmentConfig }) {
    super(scope, id);
    const { env } = props;
    const ns = env.namespace;
    const services = [NAMES.api, NAMES.worker];
    policy(this, ns, 'gorax', { name: DEFAULT_DENY, selects: [], ingress: [], egress: [] });
    policy(this, ns, 'gorax', {
      name: 'gorax-api-from-ingress',
      selects: [NAMES.api],
      ingress: [{ from: [namespacePods(env.network.ingressNamespace)], ports: [tcp(PORT_NAMES.http)] }],
    });
    policy(this, ns, 'gorax', {
      name: 'gorax-metrics-from-prometheus',
      selects: services,
      ingress: [{ from: [pods([NAMES.prometheus], env.monitoringNamespace)], ports: [tcp(PORT_NAMES.metrics)] }],
    });
    policy(this, ns, 'gorax', {
      name: 'gorax-egress',
      selects: services,
      egress: [
        DNS_EGRESS,
        { to: [pods([NAMES.jaeger], env.monitoringNamespace)], ports: [tcp(JAEGER_PORTS.otlpGrpc.number)] },
        // PostgreSQL and Redis.
        { to: [{ ipBlock: { cidr: env.network.dependencyCidr } }], ports: [tcp(5432), tcp(6379)] },
        // Sentry, and action:http steps to HTTPS endpoints.
        { to: [publicInternet], ports: [tcp(443)] },
      ],
    });
    policy(this, ns, 'gorax', {
      name: 'gorax-worker-egress-http',
      selects: [NAMES.worker],
      // action:http steps may call plain-HTTP endpoints; never private ranges or cloud metadata.
      egress: [{ to: [publicInternet], ports: [tcp(80)] }],
    });
  }
}

/** The monitoring namespace: Prometheus scrapes and alerts, Grafana reads, the services send traces. */
export class MonitoringNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: { readonly env: EnvironmentConfig }) {
    super(scope, id);
    const { env } = props;
    const ns = env.monitoringNamespace;
    policy(this, ns, 'gorax-monitoring', { name: DEFAULT_DENY, selects: [], ingress: [], egress: [] });
    policy(this, ns, 'gorax-monitoring', {
      name: NAMES.prometheus,
      selects: [NAMES.prometheus],
      ingress: [{ from: [pods([NAMES.grafana])], ports: [tcp(PROMETHEUS_PORT.number)] }],
      egress: [
        DNS_EGRESS,
        { to: [pods([NAMES.api, NAMES.worker], env.namespace)], ports: [tcp(PORT_NAMES.metrics)] },
        { to: [pods([NAMES.alertmanager])], ports: [tcp(ALERTMANAGER_PORT.number)] },
        // Pod discovery: the Kubernetes API server is not a pod, so it is named by address.
        { to: [{ ipBlock: { cidr: env.network.kubernetesApiCidr } }], ports: [tcp(443), tcp(6443)] },
      ],
    });
    policy(this, ns, 'gorax-monitoring', {
      name: NAMES.alertmanager,
      selects: [NAMES.alertmanager],
      ingress: [{ from: [pods([NAMES.prometheus])], ports: [tcp(ALERTMANAGER_PORT.number)] }],
      // PagerDuty, Slack and the heartbeat endpoint.
      egress: [DNS_EGRESS, { to: [publicInternet], ports: [tcp(443)] }],
    });
    policy(this, ns, 'gorax-monitoring', {
      name: NAMES.grafana,
      selects: [NAMES.grafana],
      ingress: [{ from: [namespacePods(env.network.ingressNamespace)], ports: [tcp(GRAFANA_PORT.number)] }],
      egress: [
        DNS_EGRESS,
        { to: [pods([NAMES.prometheus])], ports: [tcp(PROMETHEUS_PORT.number)] },
        { to: [pods([NAMES.jaeger])], ports: [tcp(JAEGER_PORTS.query.number)] },
      ],
    });
    policy(this, ns, 'gorax-monitoring', {
      name: NAMES.jaeger,
      selects: [NAMES.jaeger],
      ingress: [
        { from: [pods([NAMES.api, NAMES.worker], env.namespace)], ports: [tcp(JAEGER_PORTS.otlpGrpc.number)] },
        { from: [pods([NAMES.grafana])], ports: [tcp(JAEGER_PORTS.query.number)] },
      ],
    });
  }
}

/**
 * The NetworkPolicies, evaluated as Kubernetes does: a connection is allowed
 * when the source's egress and the destination's ingress both allow it
 * (a pod no policy selects for a direction is open in that direction).
 * Every required flow must pass; the flows nobody needs must not.
 */
import type { KubeObject } from '../../lib/k8s/manifests';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { NAMES } from '../../lib/k8s/names';
import { ALL_ENVIRONMENTS, objectsOf, podTemplates } from './support/synthesized';

interface Pod {
  namespace: string;
  labels: Record<string, string>;
  /** Named container ports. */
  ports: Record<string, number>;
}

interface Selector { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Peer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } }
interface Port { protocol?: string; port?: number | string }
interface Rule { from?: Peer[]; to?: Peer[]; ports?: Port[] }
interface Spec { podSelector: Selector; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] }

function matches(selector: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return e.values!.includes(labels[e.key]!);
    if (e.operator === 'NotIn') return !e.values!.includes(labels[e.key]!);
    if (e.operator === 'Exists') return e.key in labels;
    throw new Error(`operator ${e.operator} not modelled`);
  });
  return byLabel && byExpression;
}

type Endpoint = { pod: Pod } | { ip: string };

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (n(ip) & mask) >>> 0 === (n(base!) & mask) >>> 0;
}

function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return 'ip' in other && ipInCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => ipInCidr(other.ip, c));
  if (!('pod' in other)) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': other.pod.namespace };
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, nsLabels) : other.pod.namespace === policyNamespace;
  return nsOk && (peer.podSelector ? matches(peer.podSelector, other.pod.labels) : true);
}

function portMatches(ports: Port[] | undefined, port: number, protocol: string, destination: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol) !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port;
    return 'pod' in destination && destination.pod.ports[p.port] === port;
  });
}

function allowedIn(policies: KubeObject[], direction: 'Ingress' | 'Egress', subject: Pod, other: Endpoint, port: number, protocol: string, destination: Endpoint): boolean {
  const applying = policies.filter((p) => {
    const spec = p.spec as Spec;
    return p.metadata.namespace === subject.namespace && spec.policyTypes.includes(direction) && matches(spec.podSelector, subject.labels);
  });
  if (applying.length === 0) return true;
  return applying.some((p) => {
    const spec = p.spec as Spec;
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((r) => {
      const peers = direction === 'Ingress' ? r.from : r.to;
      return (!peers || peers.some((peer) => peerMatches(peer, p.metadata.namespace!, other))) && portMatches(r.ports, port, protocol, destination);
    });
  });
}

function allowed(objects: readonly KubeObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const egress = 'pod' in from ? allowedIn(policies, 'Egress', from.pod, to, port, protocol, to) : true;
  const ingress = 'pod' in to ? allowedIn(policies, 'Ingress', to.pod, from, port, protocol, to) : true;
  return egress && ingress;
}

describe.each(ALL_ENVIRONMENTS)('%s NetworkPolicies', (env) => {
  const objects = objectsOf(env);
  const config = ENVIRONMENTS[env];
  const pod = (name: string): { pod: Pod } => {
    const found = podTemplates(objects).find(({ owner }) => owner.metadata.name === name);
    if (!found) throw new Error(`no workload ${name}`);
    const ports = Object.fromEntries(found.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => [p.name!, p.containerPort])));
    return { pod: { namespace: found.owner.metadata.namespace!, labels: found.template.metadata.labels, ports } };
  };
  const api = pod(NAMES.api);
  const worker = pod(NAMES.worker);
  const prometheus = pod(NAMES.prometheus);
  const alertmanager = pod(NAMES.alertmanager);
  const grafana = pod(NAMES.grafana);
  const jaeger = pod(NAMES.jaeger);
  const ingressController = { pod: { namespace: config.network.ingressNamespace, labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: {} } };
  const dns = { pod: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: {} } };
  const strangerPod = { pod: { namespace: 'default', labels: { app: 'stranger' }, ports: {} } };
  const internet = { ip: '203.0.113.10' };
  const metadataService = { ip: '169.254.169.254' };
  const privateHost = { ip: '10.20.30.40' };
  // The API server's endpoint: inside the private range staging and production ship with.
  const kubernetesApi = { ip: '10.0.0.1' };
  const port = (p: { pod: Pod }, name: string) => p.pod.ports[name]!;

  const required: [string, Endpoint, Endpoint, number, string][] = [
    ['ingress controller → API http', ingressController, api, port(api, 'http'), 'TCP'],
    ['Prometheus → API metrics', prometheus, api, port(api, 'metrics'), 'TCP'],
    ['Prometheus → worker metrics', prometheus, worker, port(worker, 'metrics'), 'TCP'],
    ['Prometheus → Alertmanager', prometheus, alertmanager, port(alertmanager, 'web'), 'TCP'],
    ['Prometheus → Kubernetes API', prometheus, kubernetesApi, 443, 'TCP'],
    ['Grafana → Prometheus', grafana, prometheus, port(prometheus, 'web'), 'TCP'],
    ['Grafana → Jaeger query', grafana, jaeger, port(jaeger, 'query'), 'TCP'],
    ['ingress controller → Grafana', ingressController, grafana, port(grafana, 'http'), 'TCP'],
    ['API → Jaeger OTLP', api, jaeger, port(jaeger, 'otlp-grpc'), 'TCP'],
    ['worker → Jaeger OTLP', worker, jaeger, port(jaeger, 'otlp-grpc'), 'TCP'],
    ['API → PostgreSQL', api, privateHost, 5432, 'TCP'],
    ['worker → Redis', worker, privateHost, 6379, 'TCP'],
    ['worker → public HTTPS (action:http, Sentry)', worker, internet, 443, 'TCP'],
    ['worker → public HTTP (action:http)', worker, internet, 80, 'TCP'],
    ['Alertmanager → receivers over HTTPS', alertmanager, internet, 443, 'TCP'],
    ...[api, worker, prometheus, alertmanager, grafana].flatMap((p, i) => [
      [`pod ${i} → DNS over UDP`, p, dns, 53, 'UDP'] as [string, Endpoint, Endpoint, number, string],
      [`pod ${i} → DNS over TCP`, p, dns, 53, 'TCP'] as [string, Endpoint, Endpoint, number, string],
    ]),
  ];

  const forbidden: [string, Endpoint, Endpoint, number][] = [
    ['ingress controller → API metrics', ingressController, api, port(api, 'metrics')],
    ['ingress controller → worker health', ingressController, worker, port(worker, 'health')],
    ['another namespace → API http', strangerPod, api, port(api, 'http')],
    ['API → worker metrics', api, worker, port(worker, 'metrics')],
    ['Grafana → API metrics', grafana, api, port(api, 'metrics')],
    ['Grafana → Alertmanager', grafana, alertmanager, port(alertmanager, 'web')],
    ['API → Prometheus', api, prometheus, port(prometheus, 'web')],
    ['API → Jaeger query', api, jaeger, port(jaeger, 'query')],
    ['worker → cloud metadata', worker, metadataService, 80],
    ['worker → private HTTP', worker, privateHost, 80],
    ['API → public HTTP', api, internet, 80],
    ['Jaeger → internet', jaeger, internet, 443],
    ['Grafana → internet (no update checks)', grafana, internet, 443],
    ['another namespace → Prometheus', strangerPod, prometheus, port(prometheus, 'web')],
    // Outside dev the dependency and API-server CIDRs are private: no database port or HTTPS to the internet.
    ...(env === 'dev'
      ? []
      : ([
          ['API → PostgreSQL port on the internet', api, internet, 5432],
          ['worker → Redis port on the internet', worker, internet, 6379],
          ['Prometheus → internet HTTPS', prometheus, internet, 443],
        ] as [string, Endpoint, Endpoint, number][])),
  ];

  it.each(required)('allow %s', (_what, from, to, p, protocol) => {
    expect(allowed(objects, from, to, p, protocol)).toBe(true);
  });

  it.each(forbidden)('deny %s', (_what, from, to, p) => {
    expect(allowed(objects, from, to, p)).toBe(false);
  });

  it('deny everything not allowed: without the allow policies, even the required flows fail', () => {
    const denyOnly = objects.filter((o) => o.kind !== 'NetworkPolicy' || o.metadata.name === 'default-deny');
    const open = required.filter(([, from, to, p, protocol]) => allowed(denyOnly, from, to, p, protocol));
    expect(open.map(([what]) => what)).toEqual([]);
  });

  it('name ports in the Gorax rules, so they follow the containers’ declared ports', () => {
    const rules = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === config.namespace && o.metadata.name !== 'gorax-egress' && o.metadata.name !== 'gorax-worker-egress-http' && o.metadata.name !== 'default-deny');
    const ports = rules.flatMap((o) => ((o.spec as Spec).ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port)));
    expect(ports.sort()).toEqual(['http', 'metrics']);
  });
});

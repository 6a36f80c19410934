/**
 * Jaeger all-in-one as the tracing backend: OTLP over gRPC on 4317 (what the
 * services export to), the query UI on 16686. Storage is in memory and
 * bounded, so traces are lost on restart; production should point Jaeger at
 * a durable backend (Elasticsearch/OpenSearch or Cassandra, with the
 * collector and query split into their own Deployments) — a storage choice
 * deliberately left out of this chart.
 */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  containerResources,
  hardenedContainerSecurity,
  hardenedPodSecurity,
  selectPodsByName,
  RUN_AS,
  scratchVolume,
  type ResourceSettings,
} from './container-security';
import { OTLP_GRPC_PORT } from './gorax-environment';
import { namedService } from './named-service';
import { componentLabels, NAMES } from './names';

export const JAEGER_PORTS = {
  otlpGrpc: { name: 'otlp-grpc', number: OTLP_GRPC_PORT },
  query: { name: 'query', number: 16686 },
  /** Health check and Jaeger's own metrics. */
  admin: { name: 'admin', number: 14269 },
} as const;

export interface JaegerProps {
  readonly namespace: string;
  readonly image: string;
  readonly resources: ResourceSettings;
  /**
   * Traces kept in memory before the oldest are dropped.
   * @default 50000
   */
  readonly maxTraces?: number;
}

export class Jaeger extends Construct {
  readonly deployment: kplus.Deployment;
  readonly collectorService: kplus.Service;
  readonly queryService: kplus.Service;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    const { namespace } = props;
    const maxTraces = props.maxTraces ?? 50_000;
    if (!(Number.isInteger(maxTraces) && maxTraces > 0)) throw new Error(`Jaeger: maxTraces ${maxTraces} must be a positive whole number`);
    const labels = componentLabels(NAMES.jaeger, 'tracing', 'gorax-monitoring');
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: NAMES.jaeger, namespace, labels },
      podMetadata: { labels },
      select: false,
      replicas: 1,
      // In-memory storage cannot be shared: never run two at once.
      strategy: kplus.DeploymentStrategy.recreate(),
      automountServiceAccountToken: false,
      securityContext: hardenedPodSecurity(RUN_AS.jaeger),
    });
    selectPodsByName(this.deployment, NAMES.jaeger);

    const container = this.deployment.addContainer({
      name: 'jaeger',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: Object.values(JAEGER_PORTS).map(({ name, number }) => ({ name, number })),
      envVariables: {
        SPAN_STORAGE_TYPE: kplus.EnvValue.fromValue('memory'),
        MEMORY_MAX_TRACES: kplus.EnvValue.fromValue(String(maxTraces)),
        COLLECTOR_OTLP_ENABLED: kplus.EnvValue.fromValue('true'),
      },
      resources: containerResources(NAMES.jaeger, props.resources),
      securityContext: hardenedContainerSecurity(RUN_AS.jaeger),
      startup: kplus.Probe.fromHttpGet('/', { port: JAEGER_PORTS.admin.number, periodSeconds: Duration.seconds(5), failureThreshold: 24 }),
      readiness: kplus.Probe.fromHttpGet('/', { port: JAEGER_PORTS.admin.number, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(2) }),
      liveness: kplus.Probe.fromHttpGet('/', { port: JAEGER_PORTS.admin.number, periodSeconds: Duration.seconds(15), timeoutSeconds: Duration.seconds(2) }),
    });
    container.mount('/tmp', scratchVolume(this.deployment, 'Tmp', 'tmp'));

    this.collectorService = namedService(this, 'Collector', { name: NAMES.jaegerCollector, namespace, labels, selects: NAMES.jaeger, port: JAEGER_PORTS.otlpGrpc });
    this.queryService = namedService(this, 'Query', { name: NAMES.jaegerQuery, namespace, labels, selects: NAMES.jaeger, port: JAEGER_PORTS.query });
  }
}

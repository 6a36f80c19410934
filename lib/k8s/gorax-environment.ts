/**
 * The Gorax services' environment variables, generated from the service
 * contract's ENV_VARS: every non-secret variable goes into the `gorax-config`
 * ConfigMap (its default unless this environment sets it), except the few whose
 * value differs between the API and the worker (serviceOverrides), which each
 * container sets itself; every secret one is only ever a reference to a key of
 * the `gorax-secrets` Secret. A variable the services start reading flows
 * through without a change here.
 */
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import type { EnvironmentConfig } from '../config/environments';
import { ENV_VARS, PORTS, type EnvVarName, type EnvVarSpec } from '../config/service-contract';
import { componentLabels, NAMES, serviceHost } from './names';
import { shutdownEnv } from './shutdown-timing';

export type GoraxService = 'api' | 'worker';

/** OTLP/gRPC port of the in-cluster tracing backend. */
export const OTLP_GRPC_PORT = 4317;

/** Values this deployment sets instead of the contract's defaults. */
export function environmentOverrides(env: EnvironmentConfig): Partial<Record<EnvVarName, string>> {
  return {
    APP_ENV: env.name,
    LOG_LEVEL: env.name === 'dev' ? 'debug' : 'info',
    PORT: String(PORTS.apiHttp),
    WORKER_HEALTH_PORT: String(PORTS.workerHealth),
    WORKER_CONCURRENCY: String(env.worker.concurrency),
    // Prometheus scrapes every pod: metrics are never optional here.
    METRICS_ENABLED: 'true',
    METRICS_PORT: String(PORTS.metrics),
    HTTP_ACTION_ALLOW_PRIVATE: 'false',
    TRACING_ENABLED: 'true',
    TRACING_ENDPOINT: `${serviceHost(NAMES.jaegerCollector, env.monitoringNamespace)}:${OTLP_GRPC_PORT}`,
    TRACING_SAMPLE_RATE: String(env.tracing.sampleRate),
    SENTRY_ENVIRONMENT: env.name,
  };
}

/**
 * Values that differ between the services, set as literals on each container
 * rather than in the shared ConfigMap: the shutdown timing, which follows each
 * Deployment's grace period (shutdown-timing.ts).
 */
export function serviceOverrides(service: GoraxService): Partial<Record<EnvVarName, string>> {
  return shutdownEnv(service);
}

/** Variables set per container (the keys of serviceOverrides), which the shared ConfigMap leaves out. */
export const PER_SERVICE_VARS: ReadonlySet<string> = new Set([...Object.keys(serviceOverrides('api')), ...Object.keys(serviceOverrides('worker'))]);

/** The ConfigMap's data: every non-secret variable of the contract shared by the services, by name. */
export function goraxConfigData(env: EnvironmentConfig, specs: readonly EnvVarSpec[] = ENV_VARS): Record<string, string> {
  const overrides: Partial<Record<string, string>> = environmentOverrides(env);
  const data: Record<string, string> = {};
  for (const spec of specs) {
    if (spec.secret) {
      if (overrides[spec.name] !== undefined || PER_SERVICE_VARS.has(spec.name)) {
        throw new Error(`${spec.name} is a secret; it can only come from the ${NAMES.goraxSecrets} Secret, remove its value from environmentOverrides and serviceOverrides`);
      }
      continue;
    }
    if (PER_SERVICE_VARS.has(spec.name)) continue;
    const value = overrides[spec.name] ?? spec.default;
    if (value === undefined) {
      throw new Error(`${spec.name} has no default in ENV_VARS and no value for environment "${env.name}"; set it in environmentOverrides (lib/k8s/gorax-environment.ts)`);
    }
    data[spec.name] = value;
  }
  return data;
}

/** The variables one service reads (ENV_VARS `services`), in contract order. */
export function serviceEnvVars(service: GoraxService, specs: readonly EnvVarSpec[] = ENV_VARS): readonly EnvVarSpec[] {
  return specs.filter((spec) => spec.services.includes(service));
}

export interface GoraxEnvironmentProps {
  readonly env: EnvironmentConfig;
  /** @default ENV_VARS of the service contract */
  readonly specs?: readonly EnvVarSpec[];
}

/** The `gorax-config` ConfigMap and the container environment built on it and on `gorax-secrets`. */
export class GoraxEnvironment extends Construct {
  readonly configMap: kplus.ConfigMap;
  readonly data: Readonly<Record<string, string>>;
  private readonly secrets: kplus.ISecret;
  private readonly specs: readonly EnvVarSpec[];

  constructor(scope: Construct, id: string, props: GoraxEnvironmentProps) {
    super(scope, id);
    this.specs = props.specs ?? ENV_VARS;
    this.data = goraxConfigData(props.env, this.specs);
    this.configMap = new kplus.ConfigMap(this, 'ConfigMap', {
      metadata: { name: NAMES.goraxConfig, namespace: props.env.namespace, labels: componentLabels(NAMES.goraxConfig, 'configuration', 'gorax') },
      data: this.data,
    });
    this.secrets = kplus.Secret.fromSecretName(this, 'Secrets', NAMES.goraxSecrets);
  }

  /** Environment of one service's container: exactly the variables it reads. */
  containerEnv(service: GoraxService): Record<string, kplus.EnvValue> {
    const own: Partial<Record<string, string>> = serviceOverrides(service);
    const env: Record<string, kplus.EnvValue> = {};
    for (const spec of serviceEnvVars(service, this.specs)) {
      const value = own[spec.name];
      env[spec.name] = spec.secret
        ? // A secret with a default (SENTRY_DSN) may be absent from the Secret; a required one may not.
          kplus.EnvValue.fromSecretValue({ secret: this.secrets, key: spec.name }, { optional: spec.default !== undefined })
        : value !== undefined
          ? kplus.EnvValue.fromValue(value)
          : kplus.EnvValue.fromConfigMap(this.configMap, spec.name);
    }
    return env;
  }
}

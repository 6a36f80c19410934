/**
 * The API and worker manifests against the service contract: every probe
 * path, port name and environment variable comes from the same constants the
 * services use, secrets only through the Secret, and the sizes, autoscaling,
 * disruption budget, spread and grace periods of each environment.
 */
import { App, Chart } from 'cdk8s';
import { ENVIRONMENTS, type EnvironmentName } from '../../lib/config/environments';
import { ENV_VARS, HEALTH_PATHS, PORT_NAMES, PORTS, type EnvVarSpec } from '../../lib/config/service-contract';
import { API_TERMINATION_GRACE_SECONDS } from '../../lib/k8s/gorax-api';
import { environmentOverrides, goraxConfigData, GoraxEnvironment, PER_SERVICE_VARS, serviceEnvVars, serviceOverrides } from '../../lib/k8s/gorax-environment';
import { WORKER_TERMINATION_GRACE_SECONDS } from '../../lib/k8s/gorax-worker';
import { PROBE_TIMING, serviceImage } from '../../lib/k8s/gorax-workload';
import { NAMES } from '../../lib/k8s/names';
import { SHUTDOWN_SAFETY_MARGIN_SECONDS } from '../../lib/k8s/shutdown-timing';
import { cpuMillis, memoryBytes } from './support/container-policy';
import { ALL_ENVIRONMENTS, deploymentTemplate, find } from './support/synthesized';

const workloads = [
  { service: 'api', name: NAMES.api, probePort: { name: PORT_NAMES.http, number: PORTS.apiHttp }, grace: API_TERMINATION_GRACE_SECONDS },
  { service: 'worker', name: NAMES.worker, probePort: { name: PORT_NAMES.health, number: PORTS.workerHealth }, grace: WORKER_TERMINATION_GRACE_SECONDS },
] as const;

const cases = ALL_ENVIRONMENTS.flatMap((env) => workloads.map((w) => [env, w.name, w] as const));

describe.each(cases)('%s %s', (env: EnvironmentName, _name, w) => {
  const config = ENVIRONMENTS[env];
  const settings = config[w.service];
  const deployment = find(env, 'Deployment', w.name, config.namespace);
  const template = deploymentTemplate(env, w.name);
  const [container] = template.spec.containers;

  it('runs one container named after its service, from the configured image', () => {
    expect(template.spec.containers.map((c) => c.name)).toEqual([w.service]);
    expect(container!.image).toBe(serviceImage(config, w.service));
    expect(container!.image).toBe(`${config.image.repository}-${w.service}:${config.image.tag}`);
  });

  it('declares its probe port and `metrics`, by the contract’s names and numbers', () => {
    expect(container!.ports).toEqual([
      { name: w.probePort.name, containerPort: w.probePort.number },
      { name: PORT_NAMES.metrics, containerPort: PORTS.metrics },
    ]);
  });

  it('probes the contract’s health paths on its probe port, within the health checks’ own timeout', () => {
    const probes = { startup: container!.startupProbe, live: container!.livenessProbe, ready: container!.readinessProbe };
    for (const [kind, probe] of Object.entries(probes)) {
      expect(probe?.httpGet).toEqual({ path: HEALTH_PATHS[kind as keyof typeof HEALTH_PATHS], port: w.probePort.number, scheme: 'HTTP' });
      expect(probe?.timeoutSeconds).toBe(PROBE_TIMING.timeoutSeconds);
    }
    // The services time out each dependency check after HEALTH_CHECK_TIMEOUT_MS; the probe must wait longer.
    const checkTimeout = goraxConfigData(config).HEALTH_CHECK_TIMEOUT_MS;
    if (checkTimeout !== undefined) expect(PROBE_TIMING.timeoutSeconds * 1000).toBeGreaterThan(Number(checkTimeout));
    expect(container!.startupProbe!.periodSeconds! * container!.startupProbe!.failureThreshold!).toBeGreaterThanOrEqual(300);
  });

  it('reads exactly the variables the service reads: its own values inline, shared configuration by ConfigMap key, secrets by Secret key', () => {
    const own: Partial<Record<string, string>> = serviceOverrides(w.service);
    const expected = serviceEnvVars(w.service).map((spec) =>
      spec.secret
        ? { name: spec.name, valueFrom: { secretKeyRef: { name: NAMES.goraxSecrets, key: spec.name, optional: spec.default !== undefined } } }
        : own[spec.name] !== undefined
          ? { name: spec.name, value: own[spec.name] }
          : { name: spec.name, valueFrom: { configMapKeyRef: { name: NAMES.goraxConfig, key: spec.name } } },
    );
    expect(container!.env).toEqual(expected);
    expect(container!.envFrom).toBeUndefined();
    const configMap = find(env, 'ConfigMap', NAMES.goraxConfig, config.namespace).data as Record<string, string>;
    for (const e of container!.env!) {
      if (e.valueFrom?.configMapKeyRef) expect(configMap).toHaveProperty([e.valueFrom.configMapKeyRef.key]);
    }
  });

  it('leaves its replica count to the HPA, whose floor is the environment’s size; resources; a rolling update that never removes a ready pod first', () => {
    const spec = deployment.spec as { replicas?: number; strategy: unknown };
    // A `replicas` here would reset the HPA's choice on every apply (or conflict under server-side apply).
    expect(spec).not.toHaveProperty('replicas');
    const hpa = find(env, 'HorizontalPodAutoscaler', w.name, config.namespace).spec as { minReplicas: number };
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(settings.replicas);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const r = container!.resources!;
    expect(cpuMillis(r.requests!.cpu!)).toBe(settings.requests.cpuMillis);
    expect(memoryBytes(r.requests!.memory!)).toBe(settings.requests.memoryMiB * 1024 * 1024);
    expect(cpuMillis(r.limits!.cpu!)).toBe(settings.limits.cpuMillis);
    expect(memoryBytes(r.limits!.memory!)).toBe(settings.limits.memoryMiB * 1024 * 1024);
  });

  it('starts the process with a shutdown deadline that fits its grace period, with a margin for exit and SIGKILL skew', () => {
    expect(template.spec.terminationGracePeriodSeconds).toBe(w.grace);
    const env = Object.fromEntries(container!.env!.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
    const delayMs = Number(env.SHUTDOWN_DELAY_MS);
    const timeoutMs = Number(env.SHUTDOWN_TIMEOUT_MS);
    expect([Number.isInteger(delayMs), Number.isInteger(timeoutMs)]).toEqual([true, true]);
    // The services count the timeout from SIGTERM (the delay inside it); the sum is the
    // conservative bound, which also holds if the timeout were counted after the delay.
    expect(delayMs + timeoutMs + SHUTDOWN_SAFETY_MARGIN_SECONDS * 1000).toBeLessThanOrEqual(w.grace * 1000);
    expect(SHUTDOWN_SAFETY_MARGIN_SECONDS).toBeGreaterThanOrEqual(5);
    // Time left to drain after the readiness delay.
    expect(timeoutMs - delayMs).toBeGreaterThanOrEqual(10_000);
  });

  it('scales on CPU between the configured bounds, keeps all but one pod through disruptions, and spreads', () => {
    const hpa = find(env, 'HorizontalPodAutoscaler', w.name, config.namespace).spec;
    expect(hpa).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
      minReplicas: settings.autoscaling.minReplicas,
      maxReplicas: settings.autoscaling.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: settings.autoscaling.cpuUtilizationPercent } } }],
    });
    const pdb = find(env, 'PodDisruptionBudget', w.name, config.namespace).spec;
    expect(pdb).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': w.name } } });
    // The PDB never blocks: one pod may always go (a drain, even at the HPA's floor), and
    // the rolling update surges a new pod before removing an old one.
    expect(settings.autoscaling.minReplicas).toBeGreaterThanOrEqual(1);
    expect(template.spec.topologySpreadConstraints!.map((t) => [t.topologyKey, t.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', { 'app.kubernetes.io/name': w.name }],
      ['kubernetes.io/hostname', { 'app.kubernetes.io/name': w.name }],
    ]);
  });

  it('is selected by its name label alone, which its pods carry', () => {
    expect((deployment.spec as { selector: unknown }).selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': w.name } });
    expect(template.metadata.labels['app.kubernetes.io/name']).toBe(w.name);
    expect(Object.keys(template.metadata.labels).filter((k) => k.startsWith('cdk8s.io'))).toEqual([]);
  });
});

describe('production sizes from the issue', () => {
  // The HPA floor of 2 is raised to the production size, 3, so autoscaling never undercuts it.
  it('API: 3 replicas, 250m/256Mi requests, 500m/512Mi limits, HPA 3-10 at 70% CPU', () => {
    const { api } = ENVIRONMENTS.production;
    expect([api.replicas, api.requests, api.limits, api.autoscaling]).toEqual([
      3, { cpuMillis: 250, memoryMiB: 256 }, { cpuMillis: 500, memoryMiB: 512 }, { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 70 },
    ]);
  });

  it('worker: 500m/512Mi requests, 1 CPU/1Gi limits, HPA 3-20 (floor = its 3 replicas), 300 s grace', () => {
    const { worker } = ENVIRONMENTS.production;
    expect([worker.requests, worker.limits, worker.replicas, worker.autoscaling.minReplicas, worker.autoscaling.maxReplicas]).toEqual([
      { cpuMillis: 500, memoryMiB: 512 }, { cpuMillis: 1000, memoryMiB: 1024 }, 3, 3, 20,
    ]);
    expect(WORKER_TERMINATION_GRACE_SECONDS).toBe(300);
  });
});

describe('shutdown timing per workload', () => {
  const containerEnv = (env: EnvironmentName, name: string) =>
    Object.fromEntries(deploymentTemplate(env, name).spec.containers[0]!.env!.map((e) => [e.name, e.value]));

  it.each(ALL_ENVIRONMENTS)('the worker drains for nearly all of its 300 s grace period, not the contract’s 25 s default (%s)', (env) => {
    const worker = containerEnv(env, NAMES.worker);
    expect(WORKER_TERMINATION_GRACE_SECONDS).toBe(300);
    expect(Number(worker.SHUTDOWN_TIMEOUT_MS)).toBeGreaterThanOrEqual(0.9 * WORKER_TERMINATION_GRACE_SECONDS * 1000);
    expect(Number(worker.SHUTDOWN_TIMEOUT_MS)).toBeLessThan(WORKER_TERMINATION_GRACE_SECONDS * 1000);
    expect(worker.SHUTDOWN_DELAY_MS).toBe('0');
  });

  it.each(ALL_ENVIRONMENTS)('the API keeps answering while its endpoint is withdrawn: delay ≥ readiness period × failureThreshold (%s)', (env) => {
    const api = containerEnv(env, NAMES.api);
    const readiness = deploymentTemplate(env, NAMES.api).spec.containers[0]!.readinessProbe!;
    expect(Number(api.SHUTDOWN_DELAY_MS)).toBeGreaterThanOrEqual(readiness.periodSeconds! * readiness.failureThreshold! * 1000);
    expect(Number(api.SHUTDOWN_DELAY_MS)).toBeGreaterThanOrEqual(10_000);
  });

  it('leaves the per-service variables out of the shared ConfigMap, so no stale value sits there', () => {
    expect([...PER_SERVICE_VARS].sort()).toEqual(['SHUTDOWN_DELAY_MS', 'SHUTDOWN_TIMEOUT_MS']);
    const data = find('production', 'ConfigMap', NAMES.goraxConfig).data as Record<string, string>;
    for (const name of PER_SERVICE_VARS) expect(data).not.toHaveProperty([name]);
  });
});

describe('the API Service', () => {
  it.each(ALL_ENVIRONMENTS)('exposes `http` only (%s), selecting the API pods', (env) => {
    const service = find(env, 'Service', NAMES.api, ENVIRONMENTS[env].namespace).spec as { ports: unknown[]; selector: unknown };
    expect(service.ports).toEqual([{ name: PORT_NAMES.http, port: PORTS.apiHttp, targetPort: PORTS.apiHttp }]);
    expect(service.selector).toEqual({ 'app.kubernetes.io/name': NAMES.api });
  });

  it('does not exist for the worker, which nothing calls', () => {
    expect(() => find('production', 'Service', NAMES.worker)).toThrow('found 0');
  });
});

describe('gorax-config', () => {
  it.each(ALL_ENVIRONMENTS)('holds every non-secret variable of the contract but the per-service ones, and no secret one (%s)', (env) => {
    const data = find(env, 'ConfigMap', NAMES.goraxConfig).data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(ENV_VARS.filter((v) => !v.secret && !PER_SERVICE_VARS.has(v.name)).map((v) => v.name).sort());
    for (const secret of ENV_VARS.filter((v) => v.secret)) expect(data).not.toHaveProperty([secret.name]);
  });

  it.each(ALL_ENVIRONMENTS)('points tracing at the in-cluster Jaeger with the environment’s sample rate (%s)', (env) => {
    const data = find(env, 'ConfigMap', NAMES.goraxConfig).data as Record<string, string>;
    expect(data.TRACING_ENABLED).toBe('true');
    expect(data.TRACING_ENDPOINT).toBe(`${NAMES.jaegerCollector}.${ENVIRONMENTS[env].monitoringNamespace}.svc:4317`);
    expect(Number(data.TRACING_SAMPLE_RATE)).toBe(ENVIRONMENTS[env].tracing.sampleRate);
    expect(data.METRICS_PORT).toBe(String(PORTS.metrics));
    find(env, 'Service', NAMES.jaegerCollector, ENVIRONMENTS[env].monitoringNamespace);
  });

  it('samples every trace in dev and a tenth in production', () => {
    expect([ENVIRONMENTS.dev.tracing.sampleRate, ENVIRONMENTS.production.tracing.sampleRate]).toEqual([1, 0.1]);
  });

  it('takes a variable the services start reading without a change here', () => {
    const extra: EnvVarSpec[] = [
      ...ENV_VARS,
      { name: 'NEW_SETTING', default: '42', description: 'x', secret: false, services: ['worker'] },
      { name: 'NEW_TOKEN', description: 'x', secret: true, services: ['api'] },
    ];
    const chart = new Chart(new App(), 'test');
    const environment = new GoraxEnvironment(chart, 'Env', { env: ENVIRONMENTS.dev, specs: extra });
    expect(environment.data.NEW_SETTING).toBe('42');
    expect(environment.data).not.toHaveProperty(['NEW_TOKEN']);
    expect(Object.keys(environment.containerEnv('worker'))).toContain('NEW_SETTING');
    expect(Object.keys(environment.containerEnv('api'))).toContain('NEW_TOKEN');
    expect(Object.keys(environment.containerEnv('api'))).not.toContain('NEW_SETTING');
  });

  it('refuses a required variable it has no value for, saying where to set it', () => {
    const specs: EnvVarSpec[] = [{ name: 'REQUIRED_THING', description: 'x', secret: false, services: ['api'] }];
    expect(() => goraxConfigData(ENVIRONMENTS.dev, specs)).toThrow('REQUIRED_THING has no default in ENV_VARS and no value for environment "dev"; set it in environmentOverrides');
  });

  it('only overrides variables the contract declares', () => {
    const names = new Set(ENV_VARS.map((v) => v.name));
    expect(Object.keys(environmentOverrides(ENVIRONMENTS.production)).filter((n) => !names.has(n as never))).toEqual([]);
  });
});

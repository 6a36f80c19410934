/**
 * Invalid configuration throws at synth with a message that says what to
 * change: in the environment configuration (validateEnvironment, which every
 * synth goes through) and in the constructs themselves, for configurations
 * built around it.
 */
import { App, Chart } from 'cdk8s';
import { ENVIRONMENTS, environmentConfig, validateEnvironment, type EnvironmentConfig } from '../../lib/config/environments';
import { containerResources, hardenedContainerSecurity } from '../../lib/k8s/container-security';
import { environmentManifests } from '../../lib/k8s/manifests';
import { Jaeger } from '../../lib/k8s/jaeger';
import { PrometheusServer } from '../../lib/k8s/prometheus-server';

const production = ENVIRONMENTS.production;
type Change = (env: EnvironmentConfig) => EnvironmentConfig;

const invalid: [string, Change, string][] = [
  ['API replicas below 1', (e) => ({ ...e, api: { ...e.api, replicas: 0 } }), 'api.replicas is 0; set a whole number of at least 1'],
  ['worker replicas not whole', (e) => ({ ...e, worker: { ...e.worker, replicas: 1.5 } }), 'worker.replicas is 1.5; set a whole number of at least 1'],
  ['sample rate above 1', (e) => ({ ...e, tracing: { sampleRate: 1.5 } }), 'tracing.sampleRate is 1.5; set a number from 0 to 1'],
  ['sample rate below 0', (e) => ({ ...e, tracing: { sampleRate: -0.1 } }), 'tracing.sampleRate is -0.1; set a number from 0 to 1'],
  ['sample rate not a number', (e) => ({ ...e, tracing: { sampleRate: Number.NaN } }), 'tracing.sampleRate is NaN; set a number from 0 to 1'],
  ['memory limit below its request', (e) => ({ ...e, api: { ...e.api, limits: { ...e.api.limits, memoryMiB: 128 } } }), 'api.limits.memoryMiB (128) is below its request (256); raise the limit or lower the request'],
  ['CPU limit below its request', (e) => ({ ...e, worker: { ...e.worker, limits: { ...e.worker.limits, cpuMillis: 100 } } }), 'worker.limits.cpuMillis (100) is below its request (500)'],
  ['empty image repository', (e) => ({ ...e, image: { ...e.image, repository: ' ' } }), 'image.repository and image.tag must not be empty'],
  ['empty image tag', (e) => ({ ...e, image: { ...e.image, tag: '' } }), 'image.repository and image.tag must not be empty'],
  ['empty monitoring image', (e) => ({ ...e, monitoringImages: { ...e.monitoringImages, grafana: '' } }), 'monitoringImages.grafana must not be empty'],
  ['HPA bounds reversed', (e) => ({ ...e, api: { ...e.api, autoscaling: { ...e.api.autoscaling, minReplicas: 5, maxReplicas: 2 } } }), 'api.autoscaling must have 1 <= minReplicas <= maxReplicas (got 5..2)'],
  ['HPA floor below the replicas', (e) => ({ ...e, api: { ...e.api, replicas: 3, autoscaling: { ...e.api.autoscaling, minReplicas: 2 } } }), 'api.autoscaling.minReplicas (2) is below api.replicas (3), so the HPA could shrink it below its size; raise minReplicas to at least 3'],
  ['zero worker concurrency', (e) => ({ ...e, worker: { ...e.worker, concurrency: 0 } }), 'worker.concurrency is 0'],
  ['no Prometheus storage', (e) => ({ ...e, prometheus: { ...e.prometheus, storageGi: 0 } }), 'prometheus.storageGi is 0; set a whole number of GiB, at least 1'],
  ['retention not a duration', (e) => ({ ...e, prometheus: { ...e.prometheus, retention: 'a month' } }), 'prometheus.retention "a month" is not a duration such as 15d'],
  ['ingress namespace not a name', (e) => ({ ...e, network: { ...e.network, ingressNamespace: 'Ingress_NGINX' } }), 'network.ingressNamespace "Ingress_NGINX" is not a namespace name'],
  ['one namespace for both', (e) => ({ ...e, monitoringNamespace: e.namespace }), 'namespace and monitoringNamespace are both "gorax"'],
  ['CIDR without mask', (e) => ({ ...e, network: { ...e.network, dependencyCidr: '10.0.0.1' } }), 'network.dependencyCidr "10.0.0.1" is not an IPv4 CIDR'],
  ['dependency CIDR open to every address', (e) => ({ ...e, network: { ...e.network, dependencyCidr: '0.0.0.0/0' } }), 'network.dependencyCidr "0.0.0.0/0" lets every pod reach any address; set it to the subnets of PostgreSQL and Redis (DATABASE_URL, REDIS_URL), no wider than /8'],
  ['API server CIDR wider than /8', (e) => ({ ...e, network: { ...e.network, kubernetesApiCidr: '0.0.0.0/1' } }), "network.kubernetesApiCidr \"0.0.0.0/1\" lets every pod reach a /1 range; set it to the Kubernetes API server's endpoint addresses, no wider than /8"],
  ['in-cluster Grafana URL for alert links', (e) => ({ ...e, grafanaBaseUrl: 'https://grafana.gorax-monitoring.svc:3000' }), 'grafanaBaseUrl "https://grafana.gorax-monitoring.svc:3000" is an in-cluster address that on-call engineers cannot open from an alert; set Grafana\'s external URL'],
  ['bare Service name as Grafana URL', (e) => ({ ...e, grafanaBaseUrl: 'https://grafana' }), 'grafanaBaseUrl "https://grafana" is an in-cluster address'],
  ['plain-http Grafana URL', (e) => ({ ...e, grafanaBaseUrl: 'http://grafana.example.com' }), 'grafanaBaseUrl "http://grafana.example.com" must be an https URL without a trailing slash'],
  ['heartbeat not a URL', (e) => ({ ...e, alerting: { ...e.alerting, heartbeatUrl: 'heartbeat' } }), 'alerting.heartbeatUrl "heartbeat" must be an http(s) URL'],
];

describe('validateEnvironment', () => {
  it('accepts every shipped environment', () => {
    for (const env of Object.values(ENVIRONMENTS)) expect(validateEnvironment(env)).toBe(env);
  });

  it.each(invalid)('rejects %s, naming the environment and what to change', (_what, change, message) => {
    expect(() => validateEnvironment(change(production))).toThrow(`environment "production": ${message}`);
  });

  it('allows open NetworkPolicy CIDRs in dev only, and ships staging and production within private 10/8', () => {
    const open = (e: EnvironmentConfig): EnvironmentConfig => ({ ...e, network: { ...e.network, dependencyCidr: '0.0.0.0/0', kubernetesApiCidr: '0.0.0.0/0' } });
    expect(validateEnvironment(open(ENVIRONMENTS.dev)).name).toBe('dev');
    expect(() => validateEnvironment(open(ENVIRONMENTS.staging))).toThrow('environment "staging": network.kubernetesApiCidr "0.0.0.0/0" lets every pod reach any address');
    for (const env of [ENVIRONMENTS.staging, ENVIRONMENTS.production]) {
      for (const cidr of [env.network.dependencyCidr, env.network.kubernetesApiCidr]) expect(cidr.startsWith('10.') && Number(cidr.split('/')[1]) >= 8).toBe(true);
    }
  });

  it('rejects an unknown environment, listing the known ones', () => {
    expect(() => environmentConfig('prod')).toThrow('unknown environment "prod"; use one of dev, staging, production');
  });
});

describe('the constructs, given a configuration that skipped validation', () => {
  it.each([
    ['replicas below 1', (e: EnvironmentConfig) => ({ ...e, api: { ...e.api, replicas: 0 } }), 'gorax-api: replicas is 0; set a whole number of at least 1'],
    ['a limit below its request', (e: EnvironmentConfig) => ({ ...e, worker: { ...e.worker, limits: { ...e.worker.limits, memoryMiB: 1 } } }), 'gorax-worker: limits.memoryMiB (1) is below its request (512); raise the limit or lower the request'],
    ['an HPA floor below the replicas', (e: EnvironmentConfig) => ({ ...e, worker: { ...e.worker, replicas: 4 } }), 'gorax-worker: autoscaling.minReplicas (3) is below replicas (4); raise minReplicas to at least 4'],
    ['an empty image tag', (e: EnvironmentConfig) => ({ ...e, image: { ...e.image, tag: '' } }), 'gorax-api: image "ghcr.io/gorax/gorax-api:" is empty or has no tag; set image.repository and image.tag'],
  ])('throw at synth on %s', (_what, change, message) => {
    expect(() => environmentManifests(change(production))).toThrow(message);
  });

  it('refuse a root container user and a non-positive request', () => {
    expect(() => hardenedContainerSecurity(0)).toThrow('container user 0 must be a positive whole number; root (0) is not allowed');
    expect(() => containerResources('x', { requests: { cpuMillis: 0, memoryMiB: 1 }, limits: { cpuMillis: 1, memoryMiB: 1 } })).toThrow('x: requests.cpuMillis must be positive');
  });

  it('refuse a Prometheus without rules or storage, and a Jaeger without room for traces', () => {
    const chart = () => new Chart(new App(), 'c');
    const base = { namespace: 'm', targetNamespace: 'g', image: 'p:1', configYaml: '', retention: '1d', resources: { requests: { cpuMillis: 1, memoryMiB: 1 }, limits: { cpuMillis: 1, memoryMiB: 1 } } };
    expect(() => new PrometheusServer(chart(), 'P', { ...base, ruleFiles: {}, storageGi: 1 })).toThrow('PrometheusServer: give at least one rule file');
    expect(() => new PrometheusServer(chart(), 'P', { ...base, ruleFiles: { 'a.yml': '' }, storageGi: 0.5 })).toThrow('storageGi is 0.5; set a whole number of GiB, at least 1');
    expect(() => new Jaeger(chart(), 'J', { namespace: 'm', image: 'j:1', resources: base.resources, maxTraces: 0 })).toThrow('Jaeger: maxTraces 0 must be a positive whole number');
  });
});

import { ENVIRONMENTS, environmentConfig, validateEnvironment, type EnvironmentConfig } from '../../lib/config/environments';

const production = ENVIRONMENTS.production;

function withApi(patch: Partial<EnvironmentConfig['api']>): EnvironmentConfig {
  return { ...production, api: { ...production.api, ...patch } };
}

describe('environment configuration', () => {
  it('has the production resources of the original Gorax', () => {
    expect(production.api.requests).toEqual({ cpuMillis: 250, memoryMiB: 256 });
    expect(production.api.limits).toEqual({ cpuMillis: 500, memoryMiB: 512 });
    expect(production.worker.requests).toEqual({ cpuMillis: 500, memoryMiB: 512 });
    expect(production.worker.limits).toEqual({ cpuMillis: 1000, memoryMiB: 1024 });
    expect(production.api.replicas).toBe(3);
  });

  it('links alerts to an external https Grafana per environment, not the in-cluster Service', () => {
    const urls = Object.values(ENVIRONMENTS).map((env) => env.grafanaBaseUrl);
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) expect(url).toMatch(/^https:\/\/grafana\.(dev|staging|production)\.gorax\.example$/);
    expect(() => validateEnvironment({ ...production, grafanaBaseUrl: 'http://grafana.gorax-monitoring.svc:3000' })).toThrow('grafanaBaseUrl');
  });

  it('never lets an HPA scale a workload below its configured size', () => {
    for (const env of Object.values(ENVIRONMENTS)) {
      for (const w of [env.api, env.worker]) expect(w.autoscaling.minReplicas).toBeGreaterThanOrEqual(w.replicas);
    }
  });

  it('validates every shipped environment', () => {
    for (const name of ['dev', 'staging', 'production']) expect(environmentConfig(name).name).toBe(name);
  });

  it('refuses an unknown environment, naming the accepted ones', () => {
    expect(() => environmentConfig('prod')).toThrow('unknown environment "prod"; use one of dev, staging, production');
  });

  it('says what to change for each invalid setting', () => {
    expect(() => validateEnvironment(withApi({ replicas: 0 }))).toThrow(
      'environment "production": api.replicas is 0; set a whole number of at least 1',
    );
    expect(() => validateEnvironment(withApi({ limits: { cpuMillis: 500, memoryMiB: 128 } }))).toThrow(
      'api.limits.memoryMiB (128) is below its request (256); raise the limit or lower the request',
    );
    expect(() => validateEnvironment(withApi({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilizationPercent: 70 } }))).toThrow(
      'api.autoscaling.minReplicas (2) is below api.replicas (3), so the HPA could shrink it below its size; raise minReplicas to at least 3',
    );
    expect(() => validateEnvironment({ ...production, tracing: { sampleRate: 1.5 } })).toThrow(
      'tracing.sampleRate is 1.5; set a number from 0 to 1',
    );
    expect(() => validateEnvironment({ ...production, image: { repository: '', tag: '1' } })).toThrow(
      'image.repository and image.tag must not be empty',
    );
  });
});

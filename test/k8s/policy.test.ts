/**
 * Every container and namespace rule, for every environment, failing with the
 * object's name; and proof that the checker catches each rule being broken.
 */
import type { KubeObject } from '../../lib/k8s/manifests';
import { namespaceViolations, policyViolations } from './support/container-policy';
import { ALL_ENVIRONMENTS, find, objectsOf, podTemplates } from './support/synthesized';

describe.each(ALL_ENVIRONMENTS)('%s manifests', (env) => {
  const objects = objectsOf(env);

  it('have pod templates for every workload of the stack', () => {
    const owners = podTemplates(objects).map(({ owner }) => owner.metadata.name).sort();
    expect(owners).toEqual(['alertmanager', 'gorax-api', 'gorax-worker', 'grafana', 'jaeger', 'prometheus']);
  });

  it('follow every container and pod rule', () => {
    expect(policyViolations(objects)).toEqual([]);
  });

  it('follow every namespace rule', () => {
    expect(namespaceViolations(objects)).toEqual([]);
  });

  it('mount a service-account token only into Prometheus, which has its own account', () => {
    const withToken = podTemplates(objects).filter(({ template }) => template.spec.automountServiceAccountToken !== false);
    expect(withToken.map(({ owner }) => owner.metadata.name)).toEqual(['prometheus']);
    expect(withToken[0]!.template.spec.serviceAccountName).toBe('prometheus');
  });
});

describe('the policy checker', () => {
  const deployment = structuredClone(find('production', 'Deployment', 'gorax-api')) as KubeObject & {
    spec: { template: { spec: { automountServiceAccountToken?: boolean; containers: Record<string, any>[] } } };
  };

  const broken: [string, (c: Record<string, any>, pod: Record<string, any>) => void, string][] = [
    ['root user', (c) => { c.securityContext.runAsUser = 0; }, 'runAsUser is 0'],
    ['writable root', (c) => { c.securityContext.readOnlyRootFilesystem = false; }, 'readOnlyRootFilesystem is not true'],
    ['kept capabilities', (c) => { delete c.securityContext.capabilities; }, 'capabilities do not drop ALL'],
    ['no seccomp', (c) => { delete c.securityContext.seccompProfile; }, 'seccomp profile is not RuntimeDefault'],
    ['escalation', (c) => { c.securityContext.allowPrivilegeEscalation = true; }, 'allowPrivilegeEscalation is not false'],
    ['no memory limit', (c) => { delete c.resources.limits.memory; }, 'no memory limit'],
    ['limit below request', (c) => { c.resources.limits.cpu = '100m'; }, 'cpu limit 100m is below its request 250m'],
    ['token', (_c, pod) => { pod.automountServiceAccountToken = true; }, 'automountServiceAccountToken is not false'],
  ];

  it.each(broken)('reports %s with the object and container name', (_what, breakIt, message) => {
    const copy = structuredClone(deployment);
    breakIt(copy.spec.template.spec.containers[0]!, copy.spec.template.spec);
    const violations = policyViolations([copy]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain('Deployment gorax/gorax-api');
    expect(violations[0]).toContain(message);
  });

  it('reports a namespace without default deny or Pod Security', () => {
    const objects = objectsOf('dev').filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny' && o.metadata.namespace === 'gorax'));
    const relabelled = objects.map((o) => (o.kind === 'Namespace' && o.metadata.name === 'gorax-monitoring' ? { ...o, metadata: { ...o.metadata, labels: {} } } : o));
    expect(namespaceViolations(relabelled)).toEqual([
      'Namespace gorax: no default-deny NetworkPolicy (ingress and egress)',
      'Namespace gorax-monitoring: Pod Security "restricted" is not enforced',
    ]);
  });
});

/**
 * Prometheus' RBAC is the least that Kubernetes pod discovery in the Gorax
 * namespace needs: list and watch pods there, nothing else, nowhere else.
 */
import { ENVIRONMENTS } from '../../lib/config/environments';
import { NAMES } from '../../lib/k8s/names';
import { ALL_ENVIRONMENTS, objectsOf } from './support/synthesized';

describe.each(ALL_ENVIRONMENTS)('%s', (env) => {
  const objects = objectsOf(env);

  it('grants only list and watch on pods, in the Gorax namespace, through a Role (not a ClusterRole)', () => {
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    expect(roles.map((r) => [r.kind, r.metadata.name, r.metadata.namespace])).toEqual([['Role', NAMES.prometheusPodReader, ENVIRONMENTS[env].namespace]]);
    expect((roles[0] as unknown as { rules: unknown }).rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }]);
  });

  it('binds it to the Prometheus ServiceAccount alone', () => {
    const bindings = objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') as unknown as {
      metadata: { namespace?: string };
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace?: string }[];
    }[];
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.kind, b.roleRef.name])).toEqual([[ENVIRONMENTS[env].namespace, 'Role', NAMES.prometheusPodReader]]);
    expect(bindings[0]!.subjects.map((s) => [s.kind, s.namespace])).toEqual([['ServiceAccount', ENVIRONMENTS[env].monitoringNamespace]]);
  });
});

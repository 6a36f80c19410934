/**
 * Every synthesized object against the Kubernetes 1.28 API, two ways:
 *
 * 1. kubernetes-models 4.5.0 (+ @kubernetes-models/validate 4.0.0): the JSON
 *    schemas of the Kubernetes OpenAPI, compiled with ajv. They were generated
 *    from a newer release than 1.28 (they know 1.30 fields such as
 *    `trafficDistribution`) and, like the OpenAPI itself, allow unknown
 *    fields, so they check types, required fields and formats but neither
 *    unknown nor post-1.28 fields.
 * 2. The Kubernetes 1.28.0 model that cdk8s-plus-28 was generated from: its
 *    `toJson_Kube<Kind>Props` functions copy exactly the fields 1.28 defines,
 *    so a field lost in that round trip is unknown to 1.28.
 */
import { readFileSync } from 'node:fs';
import * as models from 'kubernetes-models';
import { k8s } from 'cdk8s-plus-28';
import type { KubeObject } from '../../lib/k8s/manifests';
import { ALL_ENVIRONMENTS, objectId, objectsOf } from './support/synthesized';

type Validatable = { validate(): void };
type ModelClass = new (data: unknown) => Validatable;

function modelClass(apiVersion: string, kind: string): ModelClass {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupKey = group === '' ? version! : group!.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
  const groupModule = (models as unknown as Record<string, Record<string, Record<string, ModelClass>>>)[groupKey];
  const cls = group === '' ? (groupModule as unknown as Record<string, ModelClass> | undefined)?.[kind] : groupModule?.[version!]?.[kind];
  if (!cls) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return cls;
}

/** The 1.28 toJson function of a kind, found through the generated classes' GVK. */
function toJson128(apiVersion: string, kind: string): (props: unknown) => unknown {
  const exports = k8s as unknown as Record<string, unknown>;
  const className = Object.keys(exports).find((name) => {
    const gvk = (exports[name] as { GVK?: { apiVersion: string; kind: string } } | undefined)?.GVK;
    return name.startsWith('Kube') && gvk?.apiVersion === apiVersion && gvk.kind === kind;
  });
  const fn = className && exports[`toJson_${className}Props`];
  if (typeof fn !== 'function') throw new Error(`Kubernetes 1.28 has no ${apiVersion} ${kind}`);
  return fn as (props: unknown) => unknown;
}

/**
 * The generated props spell some fields differently from the JSON
 * (`setHostnameAsFQDN` is `setHostnameAsFqdn`); their toJson functions say
 * which, as `'setHostnameAsFQDN': obj.setHostnameAsFqdn`.
 */
const PROPS_NAME: ReadonlyMap<string, string> = (() => {
  const source = readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
  const names = new Map<string, string>();
  for (const [, json, prop] of source.matchAll(/'([^']+)': \(*obj\.(\w+)/g)) {
    if (json !== prop) names.set(json!, prop!);
  }
  return names;
})();

/**
 * Wraps every leaf value in an object whose `.value` is the leaf, because the
 * 1.28 functions read Quantity and IntOrString fields through `.value` and
 * copy every other field as it is; both then survive the round trip.
 */
const LEAF = Symbol('leaf');
function wrapLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wrapLeaves);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [PROPS_NAME.get(k) ?? k, wrapLeaves(v)]));
  }
  return { value, [LEAF]: true };
}

function leafPaths(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object' || (value as Record<symbol, unknown>)[LEAF]) return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return [path];
  return entries.flatMap(([k, v]) => leafPaths(v, `${path}/${k}`));
}

/** Paths of fields that Kubernetes 1.28 does not define. */
export function fieldsUnknownTo128(object: KubeObject): string[] {
  const { apiVersion, kind, ...props } = object;
  const roundTrip = toJson128(apiVersion, kind)(wrapLeaves(props));
  const kept = new Set(leafPaths(roundTrip));
  return leafPaths(props).filter((p) => !kept.has(p));
}

describe.each(ALL_ENVIRONMENTS)('%s manifests', (env) => {
  const objects = objectsOf(env);

  it.each(objects.map((o) => [objectId(o), o] as const))('%s validates against the Kubernetes OpenAPI schema', (_id, object) => {
    const Model = modelClass(object.apiVersion, object.kind);
    expect(() => new Model(object).validate()).not.toThrow();
  });

  it('use only fields that Kubernetes 1.28 defines', () => {
    const unknown = objects.flatMap((o) => fieldsUnknownTo128(o).map((p) => `${objectId(o)}: ${p}`));
    expect(unknown).toEqual([]);
  });
});

describe('the schema checks', () => {
  const [deployment] = objectsOf('production').filter((o) => o.kind === 'Deployment');

  it('reject a wrong type', () => {
    const bad = structuredClone(deployment!) as KubeObject & { spec: { replicas: unknown } };
    bad.spec.replicas = 'three';
    expect(() => new (modelClass('apps/v1', 'Deployment'))(bad).validate()).toThrow(/replicas/);
  });

  it('find a misspelt field and a field newer than 1.28', () => {
    const bad = structuredClone(deployment!) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    bad.spec.template.spec.containers[0]!.readinesProbe = { periodSeconds: 5 };
    // `appArmorProfile` arrived in 1.30.
    bad.spec.template.spec.containers[0]!.securityContext = { ...(bad.spec.template.spec.containers[0]!.securityContext as object), appArmorProfile: { type: 'RuntimeDefault' } };
    expect(fieldsUnknownTo128(bad)).toEqual([
      '/spec/template/spec/containers/0/securityContext/appArmorProfile/type',
      '/spec/template/spec/containers/0/readinesProbe/periodSeconds',
    ]);
  });

  it('know no kind outside Kubernetes 1.28', () => {
    expect(() => toJson128('example.com/v1', 'Widget')).toThrow('Kubernetes 1.28 has no example.com/v1 Widget');
  });
});

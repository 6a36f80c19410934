/**
 * Every dashboard validates against Grafana's own JSON schemas
 * (vendored in grafana-schemas/ from grafana-foundation-sdk, Apache-2.0; see its README): the dashboard
 * model, each panel kind's options and custom field config, and each
 * Prometheus query.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { goraxDashboards } from '../../dashboards-src';

const SCHEMA_DIR = join(__dirname, 'grafana-schemas');

// Each schema is self-contained. common.jsonschema.json is not loaded: nothing refers to it, and
// its ScaleDirection enum repeats values, which Ajv's meta-schema check rightly rejects.
const SKIPPED = ['common.jsonschema.json'];
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  // The only format the schemas use (snapshot timestamps): RFC 3339.
  formats: { 'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i },
});
for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.jsonschema.json') && !SKIPPED.includes(f))) {
  ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')), file.replace('.jsonschema.json', ''));
}

function validator(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref} in ${SCHEMA_DIR}`);
  return validate;
}

function errors(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

type Json = Record<string, any>;

/** Problems of one dashboard, each prefixed with where it is. */
function schemaProblems(model: Json): string[] {
  const problems = errors(validator('dashboard'), model).map((e) => `${model.uid}: ${e}`);
  for (const panel of (model.panels ?? []) as Json[]) {
    if (panel.type === 'row') continue;
    const where = `${model.uid}, panel "${panel.title}" (${panel.type})`;
    problems.push(...errors(validator(`${panel.type}#/definitions/Options`), panel.options).map((e) => `${where} options: ${e}`));
    const custom = panel.fieldConfig?.defaults?.custom;
    if (custom !== undefined && ajv.getSchema(`${panel.type}#/definitions/FieldConfig`)) {
      problems.push(...errors(validator(`${panel.type}#/definitions/FieldConfig`), custom).map((e) => `${where} custom: ${e}`));
    }
    for (const target of (panel.targets ?? []) as Json[]) {
      problems.push(...errors(validator('prometheus'), target).map((e) => `${where} query ${target.refId}: ${e}`));
    }
  }
  return problems;
}

const dashboards = goraxDashboards() as unknown as Json[];

describe("Grafana's JSON schemas", () => {
  it.each(dashboards.map((d) => [d.uid as string, d] as const))('%s validates', (_uid, model) => {
    expect(schemaProblems(model)).toEqual([]);
  });

  it('checks every panel kind the dashboards use against its own schema', () => {
    const kinds = new Set(dashboards.flatMap((d) => (d.panels as Json[]).map((p) => p.type as string)));
    for (const kind of kinds) if (kind !== 'row') expect(ajv.getSchema(`${kind}#/definitions/Options`)).toBeDefined();
  });

  it('reports an unknown key in a panel, a wrong option type and a bad query field, with their paths', () => {
    const copy = JSON.parse(JSON.stringify(dashboards[0])) as Json;
    const stat = (copy.panels as Json[]).find((p) => p.type === 'stat')!;
    stat.colour = 'red';
    stat.options.graphMode = 'sparkline';
    stat.targets[0].format = 'csv';
    const problems = schemaProblems(copy);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gorax-overview: \/panels\/\d+ must NOT have additional properties \{"additionalProperty":"colour"\}/),
        expect.stringMatching(new RegExp(`^gorax-overview, panel "${stat.title}" \\(stat\\) options: /graphMode must be equal to one of the allowed values`)),
        expect.stringMatching(new RegExp(`^gorax-overview, panel "${stat.title}" \\(stat\\) query A: /format must be equal to one of the allowed values`)),
      ]),
    );
  });
});

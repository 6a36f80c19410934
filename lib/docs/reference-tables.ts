/**
 * The parts of docs/observability.md that are facts of the code: the
 * configuration, the metrics reference and the alert table. They are
 * rendered from the catalog, the service contract and the rules, written
 * between markers by `npm run docs`, and a test fails when the guide drifts.
 */
import { goraxRuleGroups } from '../../alerts-src';
import { EXTERNAL_METRICS } from '../catalog/external-metrics';
import { isClosedLabel, type MetricDefinition } from '../catalog/metric-definition';
import { GORAX_METRICS } from '../catalog/metrics';
import { environmentConfig } from '../config/environments';
import { ENV_VARS } from '../config/service-contract';
import { buildRuleFile } from '../rules/rule-file';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

export function configurationTable(): string {
  const rows = ENV_VARS.map(
    (v) =>
      `| ${code(v.name)} | ${'default' in v ? (v.default === '' ? '(empty)' : code(v.default)) : 'required'} | ${v.services.join(', ')} | ${v.secret ? 'Secret' : 'ConfigMap'} | ${cell(v.description)} |`,
  );
  return ['| variable | default | read by | delivered through | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}

function labelCell(metric: MetricDefinition): string {
  const labels = Object.entries(metric.labels);
  if (labels.length === 0) return '(none)';
  return labels
    .map(([name, spec]) =>
      isClosedLabel(spec) ? `${code(name)} (${spec.values.map(code).join(', ')})` : `${code(name)}`,
    )
    .join(', ');
}

export function metricsTable(): string {
  const rows = GORAX_METRICS.map(
    (m) =>
      `| ${code(m.name)} | ${m.type} | ${labelCell(m)} | ${m.buckets ? m.buckets.join(', ') : ''} | ${cell(m.help)} |`,
  );
  const external = EXTERNAL_METRICS.map((m) => code(m.name)).join(', ');
  return [
    '| metric | type | labels (closed values) | buckets (s) | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Every series also carries the scrape labels \`job\` (\`gorax-api\` or \`gorax-worker\`) and \`instance\`. The rules and dashboards also use these metrics from Prometheus and prom-client's default metrics: ${external}.`,
  ].join('\n');
}

export function alertsTable(): string {
  const env = environmentConfig('production');
  const file = buildRuleFile(goraxRuleGroups(env), env);
  const rows = file.groups.flatMap((group) =>
    group.rules.flatMap((rule) =>
      rule.alert
        ? [
            `| [${rule.alert}](runbooks/${rule.alert}.md) | ${rule.labels!['severity']} | ${rule.for ?? '0s'} | ${group.name} | ${cell(rule.annotations!['summary']!)} |`,
          ]
        : [],
    ),
  );
  return ['| alert | severity | for | group | summary |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function recordingRulesTable(): string {
  const env = environmentConfig('production');
  const file = buildRuleFile(goraxRuleGroups(env), env);
  const rows = file.groups.flatMap((group) =>
    group.rules.flatMap((rule) => (rule.record ? [`| ${code(rule.record)} | ${group.name} |`] : [])),
  );
  return ['| recorded series | group |', '|---|---|', ...rows].join('\n');
}

/** The generated blocks of docs/observability.md, by marker name. */
export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  configuration: configurationTable,
  metrics: metricsTable,
  alerts: alertsTable,
  'recording-rules': recordingRulesTable,
};

const BLOCK = /(<!-- BEGIN GENERATED: ([a-z-]+) -->\n)([\s\S]*?)(<!-- END GENERATED: \2 -->)/g;

/** Replaces every generated block of `markdown` with its current content; throws on an unknown block. */
export function renderGeneratedSections(markdown: string): string {
  return markdown.replace(BLOCK, (_all, begin: string, name: string, _old: string, end: string) => {
    const render = GENERATED_SECTIONS[name];
    if (!render) throw new Error(`docs: unknown generated block "${name}"; known: ${Object.keys(GENERATED_SECTIONS).join(', ')}`);
    return `${begin}${render()}\n${end}`;
  });
}

/** The names of the generated blocks a document contains. */
export function generatedBlockNames(markdown: string): string[] {
  return [...markdown.matchAll(BLOCK)].map((m) => m[2]!);
}

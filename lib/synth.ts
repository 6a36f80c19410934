/**
 * Everything `npm run synth` writes, in one function so that tests can render
 * into a temporary directory and compare it with `dist/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goraxRuleGroups } from '../alerts-src';
import { environmentConfig } from './config/environments';
import { buildRuleFile, renderRuleFile } from './rules/rule-file';
import { kubernetesOutputs } from './k8s/manifests';
import { dashboardJson, goraxDashboards } from '../dashboards-src';

/** Paths below the output directory, fixed by the contract. */
export const OUTPUT_PATHS = {
  rules: 'rules/gorax.rules.yml',
} as const;

function write(outdir: string, path: string, content: string): string {
  const file = join(outdir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** `dashboards/<uid>.json`: one plain Grafana dashboard model per dashboard. */
export function dashboardOutputPath(uid: string): string {
  return `dashboards/${uid}.json`;
}

/** Production's rules, as Prometheus loads them. */
export function productionRulesYaml(): string {
  const env = environmentConfig('production');
  return renderRuleFile(buildRuleFile(goraxRuleGroups(env), env));
}

/** Renders every output into `outdir`; returns the files written. */
export function synthesize(outdir: string): string[] {
  return [
    write(outdir, OUTPUT_PATHS.rules, productionRulesYaml()),
    ...goraxDashboards().map((d) => write(outdir, dashboardOutputPath(d.uid), dashboardJson(d))),
    ...[...kubernetesOutputs()].map(([path, content]) => write(outdir, path, content)),
  ];
}

/**
 * Synth wall time for every environment: `npm run synth` as it is (tsx)
 * against tsx without npm, the previous ts-node --transpile-only runner, and
 * the compiled build/bin/synth.js, alternating.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { alternate, heading, table, type Variant } from '../harness';
import { ROOT } from '../service-process';

function wallMs(command: string, args: readonly string[]): { wallMs: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

export async function synthSuite(rounds: number): Promise<void> {
  heading('Synth', `Wall time of synthesizing every environment into dist/ (dev, staging, production, rules, dashboards, Alertmanager, Prometheus); medians of ${rounds} alternated rounds.`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const variants: Variant[] = [
    { name: 'npm run synth', run: () => wallMs(npm, ['run', '--silent', 'synth']) },
    { name: 'tsx bin/synth.ts', run: () => wallMs(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/synth.ts']) },
    { name: 'ts-node --transpile-only bin/synth.ts', run: () => wallMs(join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', 'bin/synth.ts']) },
    { name: 'node build/bin/synth.js', run: () => wallMs(process.execPath, [join(ROOT, 'build', 'bin', 'synth.js')]) },
  ];
  const medians = await alternate(variants, rounds, undefined);
  console.log(table(medians, [{ figure: 'wallMs', title: 'wall ms', ratio: true }]));
}

/**
 * Static checks of the images' Dockerfile (no Docker engine runs here): a
 * multi-stage build on a Node.js LTS slim base, production dependencies only
 * in the runtime, a numeric non-root USER equal to the manifests' runAsUser,
 * `node build/bin/api.js` / `worker.js` as the targets' commands, and every
 * path it copies present: sources in the repository, build output after the
 * project's own build (`tsc -p tsconfig.build.json`, into a temporary
 * directory so a shared build/ is left alone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RUN_AS } from '../../lib/k8s/container-security';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');

interface Instruction { readonly op: string; readonly args: string }
interface Stage { readonly name: string; readonly from: string; readonly instructions: readonly Instruction[] }

function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op) throw new Error(`cannot read Dockerfile line: ${line}`);
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [k, v] = rest!.split('=');
      args[k!] = v ?? '';
    } else if (upper === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest!) ?? [];
      const resolved = image!.replace(/\$\{(\w+)\}/g, (_m, k: string) => args[k] ?? '');
      stages.push({ name: name ?? String(stages.length), from: resolved, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ op: upper, args: rest! });
    }
  }
  return { args, stages };
}

const { stages } = parseDockerfile(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;
/** A stage and the stages it builds on, nearest first. */
function lineage(name: string): Stage[] {
  const s = stage(name);
  const parent = stages.find((p) => p.name === s.from);
  return parent ? [s, ...lineage(parent.name)] : [s];
}
const effective = (name: string, op: string) => lineage(name).flatMap((s) => s.instructions.filter((i) => i.op === op).reverse())[0];

describe('Dockerfile', () => {
  it('is a multi-stage build with an api and a worker target, api the default', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime', 'api', 'worker']));
    expect(stages.at(-1)!.name).toBe('api');
  });

  it('builds every stage on a Node.js LTS slim image, pinned', () => {
    const bases = stages.filter((s) => !stages.some((p) => p.name === s.from)).map((s) => s.from);
    for (const base of bases) {
      const [, major] = /^node:(\d+)\.\d+\.\d+-\w+-slim$/.exec(base) ?? [];
      expect([base, major !== undefined && Number(major) % 2 === 0 && Number(major) >= 20]).toEqual([base, true]);
    }
  });

  it.each([
    ['api', 'build/bin/api.js'],
    ['worker', 'build/bin/worker.js'],
  ])('the %s target runs `node %s` through its exec-form CMD', (target, script) => {
    expect(JSON.parse(effective(target, 'CMD')!.args)).toEqual(['node', script]);
  });

  it.each(['api', 'worker'])('%s runs as the numeric non-root user the manifests expect', (target) => {
    const user = effective(target, 'USER')!.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    const [uid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(uid).toBe(RUN_AS.gorax);
  });

  it('ships production dependencies only, and compiled output only', () => {
    const runtimeCopies = stage('runtime').instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(runtimeCopies).toContain('--from=production-dependencies /app/node_modules ./node_modules');
    expect(runtimeCopies).toContain('--from=build /app/build ./build');
    expect(runtimeCopies.some((c) => /\b(lib|bin|alerts-src|dashboards-src)\b/.test(c) && !c.includes('/app/build'))).toBe(false);
    expect(stage('production-dependencies').instructions.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
  });

  it('copies from the build context only paths that exist and that .dockerignore lets through', () => {
    const included = dockerignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
    const sources = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const path = source.replace(/^\.\//, '');
      expect([path, existsSync(join(root, path))]).toEqual([path, true]);
      expect([path, included.includes(path)]).toEqual([path, true]);
    }
    expect(dockerignore).toMatch(/^\.env$/m);
  });
});

describe('the build output the images copy', () => {
  let outDir: string;
  let build: { status: number | null; output: string };
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'gorax-build-'));
    const run = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    build = { status: run.status, output: `${run.stdout}${run.stderr}` };
  }, 300_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each([
    ['api', 'bin/api.ts'],
    ['worker', 'bin/worker.ts'],
  ])('contains the %s entry point that CMD runs', (target, source) => {
    const script = JSON.parse(effective(target, 'CMD')!.args)[1] as string;
    const compiled = join(outDir, relative('build', script));
    if (!existsSync(join(root, source))) {
      throw new Error(`${source} does not exist yet, so ${script} cannot be built (tsc said: ${build.output.slice(0, 500)})`);
    }
    expect([script, existsSync(compiled)]).toEqual([script, true]);
  });

  it('compiles without errors', () => {
    if (build.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${build.output}`);
  });
});

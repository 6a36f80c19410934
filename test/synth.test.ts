/**
 * `npm run synth` is deterministic: two runs give byte-identical trees.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { OUTPUT_PATHS, synthesize } from '../lib/synth';

function tree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

describe('synth', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes byte-identical files when run twice', () => {
    const [a, b] = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'gorax-synth-')));
    dirs.push(a!, b!);
    synthesize(a!);
    synthesize(b!);
    const first = tree(a!);
    const second = tree(b!);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, content] of first) {
      expect({ path, same: content.equals(second.get(path)!) }).toEqual({ path, same: true });
    }
    expect(first.has(OUTPUT_PATHS.rules)).toBe(true);
  });
});

/**
 * The benchmark harness: runs every variant of a suite in alternation, round
 * after round, so drift on this noisy machine hits all variants alike, then
 * prints medians and ratios against the suite's baseline. No assertion: the
 * figures go to docs/performance.md, never into a test.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export type Figures = Record<string, number>;

export interface Variant<C = void> {
  readonly name: string;
  run(context: C): Promise<Figures> | Figures;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whether `command args` runs and exits 0 here (a tool the benchmark can use is installed and allowed). */
export function commandRuns(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function machineLine(): string {
  return `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}/${process.arch}`;
}

/**
 * Per-variant medians of every figure (the Map), and every round's figures.
 * Drift on this machine moves whole rounds (every variant of a round faster
 * or slower together), so a variant compared with its baseline round by round
 * (`paired`) is steadier than the ratio of two medians.
 */
export class Results extends Map<string, Figures> {
  constructor(readonly samples: ReadonlyMap<string, readonly Figures[]>) {
    super();
  }

  /** variant ÷ baseline of one figure, per round: median, lowest, highest. */
  paired(variant: string, baseline: string, figure: string): { median: number; min: number; max: number } {
    const ours = this.samples.get(variant)!;
    const theirs = this.samples.get(baseline)!;
    const ratios = ours.map((round, i) => round[figure]! / theirs[i]![figure]!);
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  }
}

/** `0.953× (0.91-1.02×)`: a paired ratio with its range over the rounds. */
export function formatPaired({ median: mid, min, max }: { median: number; min: number; max: number }): string {
  return `${mid.toFixed(3)}× (${min.toFixed(2)}-${max.toFixed(2)}×)`;
}

/** Runs each variant once per round, alternating, and returns per-variant medians of every figure with the rounds' samples. */
export async function alternate<C>(
  variants: readonly Variant<C>[],
  rounds: number,
  context: C,
  log: (line: string) => void = () => undefined,
): Promise<Results> {
  const samples = new Map<string, Figures[]>(variants.map((v) => [v.name, []]));
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order too, so no variant always runs first (or right after another).
    const ordered = round % 2 === 1 ? variants : [...variants].reverse();
    for (const variant of ordered) {
      const figures = await variant.run(context);
      samples.get(variant.name)!.push(figures);
      log(`  round ${round} ${variant.name}: ${Object.entries(figures).map(([k, v]) => `${k}=${format(v)}`).join(' ')}`);
    }
  }
  return resultsOf(samples);
}

/** Per-variant medians over the given rounds. */
function resultsOf(samples: ReadonlyMap<string, readonly Figures[]>): Results {
  const medians = new Results(samples);
  for (const [name, runs] of samples) {
    const keys = Object.keys(runs[0] ?? {});
    medians.set(name, Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]!))])));
  }
  return medians;
}

/**
 * The rounds of several blocks as one result: each variant's samples in block
 * order, medians over all of them, so `paired` compares rounds across every
 * block. A block is a fresh set of processes: two processes of the same
 * build differ by a few per cent at identical work here (docs/performance.md),
 * and pooling blocks spreads that over several processes per variant.
 */
export function pooled(blocks: readonly Results[]): Results {
  if (blocks.length === 0) throw new Error('pooled needs at least one block');
  const names = [...blocks[0]!.samples.keys()];
  for (const block of blocks) {
    const theirs = [...block.samples.keys()];
    if (theirs.length !== names.length || theirs.some((name, i) => name !== names[i])) {
      throw new Error(`blocks must have the same variants: ${names.join(',')} against ${theirs.join(',')}`);
    }
  }
  return resultsOf(new Map(names.map((name) => [name, blocks.flatMap((block) => block.samples.get(name)!)])));
}

export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export interface Column {
  readonly figure: string;
  readonly title: string;
  /** Also print variant / baseline for this figure. */
  readonly ratio?: boolean;
}

/** A Markdown table: one row per variant, medians, and ratios to the baseline (the first variant unless named). */
export function table(medians: Map<string, Figures>, columns: readonly Column[], baseline = [...medians.keys()][0]!): string {
  const base = medians.get(baseline)!;
  const head = ['variant', ...columns.flatMap((c) => (c.ratio ? [c.title, `${c.title} vs ${baseline}`] : [c.title]))];
  const rows = [...medians].map(([name, figures]) => [
    name,
    ...columns.flatMap((c) => {
      const value = figures[c.figure]!;
      return c.ratio ? [format(value), `${(value / base[c.figure]!).toFixed(3)}×`] : [format(value)];
    }),
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function heading(title: string, detail: string): void {
  console.log(`\n## ${title}\n\n${detail}\n`);
}

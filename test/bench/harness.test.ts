import { alternate, pooled, Results } from '../../bench/harness';

/** A block's results from fixed rounds, as `alternate` would return them. */
function block(rounds: Record<string, number[]>): Promise<Results> {
  const queues = new Map(Object.entries(rounds).map(([name, values]) => [name, [...values]]));
  const variants = [...queues.keys()].map((name) => ({ name, run: () => ({ cpu: queues.get(name)!.shift()! }) }));
  return alternate(variants, Object.values(rounds)[0]!.length, undefined);
}

describe('pooled', () => {
  it('takes the medians over every block’s rounds and pairs rounds within their block', async () => {
    // Block 1's processes are slow, block 2's fast: 3 rounds each.
    const slow = await block({ off: [200, 210, 220], full: [230, 240, 250] });
    const fast = await block({ off: [100, 110, 120], full: [120, 130, 140] });
    const all = pooled([slow, fast]);
    expect(all.samples.get('off')!.map((f) => f.cpu)).toEqual([200, 210, 220, 100, 110, 120]);
    expect(all.get('off')!.cpu).toBe(160);
    expect(all.get('full')!.cpu).toBe(185);
    const paired = all.paired('full', 'off', 'cpu');
    // Ratios 1.15, 1.143, 1.136 and 1.2, 1.182, 1.167: the median of all six lies between the blocks.
    expect(paired.median).toBeCloseTo((230 / 200 + 140 / 120) / 2, 6);
    expect(paired.min).toBeCloseTo(250 / 220, 6);
    expect(paired.max).toBeCloseTo(1.2, 6);
  });

  it('refuses blocks whose variants differ, and no blocks at all', async () => {
    const one = await block({ off: [1, 2, 3], full: [1, 2, 3] });
    const other = await block({ off: [1, 2, 3], metrics: [1, 2, 3] });
    expect(() => pooled([one, other])).toThrow('blocks must have the same variants: off,full against off,metrics');
    expect(() => pooled([])).toThrow('pooled needs at least one block');
  });
});

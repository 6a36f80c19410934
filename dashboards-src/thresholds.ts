/**
 * Panel colour steps taken from the alert thresholds (lib/config/thresholds.ts),
 * so that a panel turns orange and red at exactly the numbers its alerts fire at.
 */
export interface ThresholdStep {
  /** null: the base step, from minus infinity. */
  readonly value: number | null;
  readonly color: 'green' | 'orange' | 'red';
}
export type ThresholdSteps = readonly ThresholdStep[];

interface Levels {
  readonly warning?: number;
  readonly critical?: number;
}

function ascending(steps: ThresholdSteps, what: string): ThresholdSteps {
  const values = steps.filter((s) => s.value !== null).map((s) => s.value as number);
  if (values.some((v, i) => i > 0 && v <= values[i - 1]!)) {
    throw new Error(`thresholds for ${what}: levels must be strictly ordered (got ${values.join(', ')})`);
  }
  return steps;
}

/** Green below the warning level, orange from it, red from the critical level: for "higher is worse". */
export function alertAbove(levels: Levels, what: string): ThresholdSteps {
  if (levels.warning === undefined && levels.critical === undefined) throw new Error(`thresholds for ${what}: give a warning or a critical level`);
  return ascending(
    [
      { value: null, color: 'green' },
      ...(levels.warning === undefined ? [] : [{ value: levels.warning, color: 'orange' as const }]),
      ...(levels.critical === undefined ? [] : [{ value: levels.critical, color: 'red' as const }]),
    ],
    what,
  );
}

/** Red below the critical level, orange below the warning level, green from it: for "lower is worse". */
export function alertBelow(levels: Levels, what: string): ThresholdSteps {
  if (levels.warning === undefined && levels.critical === undefined) throw new Error(`thresholds for ${what}: give a warning or a critical level`);
  const base = levels.critical !== undefined ? 'red' : 'orange';
  return ascending(
    [
      { value: null, color: base },
      ...(levels.critical !== undefined && levels.warning !== undefined ? [{ value: levels.critical, color: 'orange' as const }] : []),
      { value: (levels.warning ?? levels.critical)!, color: 'green' as const },
    ],
    what,
  );
}

/** The complement of ratio levels (a failure ratio's 10% is a success ratio's 90%), for "lower is worse" panels. */
export function complement(levels: Levels): Levels {
  const round = (x: number): number => Math.round((1 - x) * 1e9) / 1e9;
  return {
    ...(levels.warning === undefined ? {} : { warning: round(levels.warning) }),
    ...(levels.critical === undefined ? {} : { critical: round(levels.critical) }),
  };
}

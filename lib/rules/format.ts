/** Formats a ratio threshold for a human sentence: 0.1 → "10%". */
export function percent(ratio: number): string {
  return `${Math.round(ratio * 10000) / 100}%`;
}

/**
 * The pieces of the Prometheus text and OpenMetrics exposition our own
 * collectors render, written to match prom-client 15's output byte for byte
 * (its escaping, its number formatting, its label order), so a scrape cannot
 * tell which collector produced a line. test/runtime/metrics compares them.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** HELP text and label values: backslash and newline escaped (prom-client's escapeString). */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeLabelValue(value: string): string {
  return escapeText(value).replace(/"/g, '\\"');
}

/** A sample value as prom-client writes it (`Nan` is its spelling). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** `a="x",b="y"` for label names and values in the same order. */
export function formatLabelPairs(names: readonly string[], values: readonly string[]): string {
  let text = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) text += ',';
    text += `${names[i]}="${escapeLabelValue(values[i]!)}"`;
  }
  return text;
}

/** The `# HELP` and `# TYPE` lines (no trailing newline). */
export function headerLines(name: string, help: string, type: string): string {
  const escaped = escapeText(name);
  return `# HELP ${escaped} ${escapeText(help)}\n# TYPE ${escaped} ${type}`;
}

/** One exemplar: ` # {trace_id="…"} value timestamp`, OpenMetrics only. */
export interface Exemplar {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Seconds since the epoch, as prom-client records it (Date.now() / 1000). */
  readonly timestamp: number;
}

export function formatExemplar(exemplar: Exemplar): string {
  const pairs = Object.entries(exemplar.labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return ` # {${pairs.join(',')}} ${formatValue(exemplar.value)} ${exemplar.timestamp}`;
}

/** The OpenMetrics spec caps an exemplar's label set at 128 UTF-8 characters (prom-client enforces it too). */
export function assertExemplarSize(labels: Readonly<Record<string, string>>): void {
  let size = 0;
  for (const [name, value] of Object.entries(labels)) size += name.length + value.length;
  if (size > 128) throw new RangeError('Label set size must be smaller than 128 UTF-8 chars');
}

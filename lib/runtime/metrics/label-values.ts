/**
 * Label values checked against the catalog before they become series: closed
 * labels must be one of their declared values, open labels must match their
 * pattern. Checked once per new label combination (children are cached), so
 * the check costs nothing on the hot path.
 */
import { isClosedLabel, type LabelSpec } from '../../catalog/metric-definition';
import type { MetricDefinition } from '../../catalog/metric-definition';

export function labelValueAllowed(spec: LabelSpec, value: string): boolean {
  return isClosedLabel(spec) ? spec.values.includes(value) : spec.pattern.test(value);
}

/** Throws when a value is outside the catalog's set: that is a bug in the caller, not data. */
export function assertLabelValues(definition: MetricDefinition, values: Readonly<Record<string, string>>): void {
  for (const [name, spec] of Object.entries(definition.labels)) {
    const value = values[name];
    if (value === undefined || !labelValueAllowed(spec, value)) {
      throw new Error(`metric ${definition.name}: label ${name}="${String(value)}" is not in the catalog's allowed values`);
    }
  }
}

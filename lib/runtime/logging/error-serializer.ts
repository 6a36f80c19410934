/**
 * The logger's serializer for `err` and `error` fields: every string in them
 * (message, stack, a driver's detail or hint, a cause) goes through the
 * credential scrubber, so a driver error that quotes a connection string
 * (postgres://user:password@host) never reaches a log line, whichever call
 * site logged it. Applied once, in createLogger, to every logger and child.
 */
import { stdSerializers } from 'pino';
import type { SecretScrubber } from './secret-scrubber';

/** Deep enough for an error with a cause chain; deeper values are dropped rather than logged unscrubbed. */
const MAX_DEPTH = 6;

function scrubDeep(value: unknown, scrub: SecretScrubber, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) return scrubDeep(stdSerializers.err(value), scrub, depth);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, scrub, depth + 1);
  return out;
}

export function createErrorSerializer(scrub: SecretScrubber): (value: unknown) => unknown {
  return (value) => scrubDeep(value, scrub, 0);
}

/**
 * Scrubs a whole Sentry event before it is sent: request data, user and host
 * are dropped outright, fields named like credentials are replaced, and every
 * string anywhere in the event (messages, stack frames, tags, contexts) goes
 * through the credential scrubber.
 */
import type { ErrorEvent } from '@sentry/node';
import type { SecretScrubber } from '../logging/secret-scrubber';

const SENSITIVE_KEY = /^(authorization|proxy-authorization|cookie|cookies|set-cookie|password|passwd|token|secret|api[_-]?key|dsn|query_string|headers|data|env)$/i;
const MAX_DEPTH = 16;

function scrubValue(value: unknown, scrub: SecretScrubber, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) ? '[redacted]' : scrubValue(item, scrub, depth + 1);
  }
  return out;
}

export function scrubEvent(event: ErrorEvent, scrub: SecretScrubber): ErrorEvent {
  const copy: ErrorEvent = { ...event };
  delete copy.request;
  delete copy.user;
  delete copy.server_name;
  delete copy.breadcrumbs;
  return scrubValue(copy, scrub, 0) as ErrorEvent;
}

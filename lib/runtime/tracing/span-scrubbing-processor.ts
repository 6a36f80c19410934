/**
 * The last line of defence before a span leaves the process: whatever an
 * instrumentation recorded, no span is exported with a query string, URL
 * user-info or a captured header. It runs in span.end() (`onEnding`), before
 * the span is frozen and handed to the batch processor, so it must come first
 * in the provider's processor list.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createCredentialScrubber } from '../errors/credential-scrubber';
import { redactPath, redactUrl } from './url-redaction';

const DROPPED = new Set(['url.query', 'http.url', 'http.target', 'db.postgresql.values', 'db.statement.values']);
const DROPPED_PREFIXES = ['http.request.header.', 'http.response.header.', 'rpc.request.metadata.', 'messaging.header.'];

/** What happens to an attribute, by its key alone. */
type Treatment = 'keep' | 'drop' | 'redactUrl' | 'redactPath';

function decideTreatment(key: string): Treatment {
  if (DROPPED.has(key) || DROPPED_PREFIXES.some((prefix) => key.startsWith(prefix))) return 'drop';
  if (key === 'url.full' || key === 'http.request.url') return 'redactUrl';
  if (key === 'url.path') return 'redactPath';
  return 'keep';
}

/**
 * Attribute keys come from instrumentation code, a few dozen in all, so each
 * key's treatment is decided once: every sampled span's keys otherwise went
 * through the prefix checks again (a closure and four startsWith per key).
 * The cap only guards against keys built per call.
 */
const MAX_REMEMBERED_KEYS = 512;

/** Error messages are free text: a driver or fetch error can quote a URL with its query or a connection string. */
const scrubText = createCredentialScrubber([]);

export class SpanScrubbingProcessor implements SpanProcessor {
  private readonly treatments = new Map<string, Treatment>();

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    // Span.attributes is readonly in the types but mutable until end() completes.
    const attributes = span.attributes as Record<string, unknown>;
    for (const key of Object.keys(attributes)) {
      const treatment = this.treatmentOf(key);
      if (treatment === 'keep') continue;
      const value = attributes[key];
      if (treatment === 'drop') delete attributes[key];
      else if (typeof value === 'string') attributes[key] = treatment === 'redactUrl' ? redactUrl(value) : redactPath(value);
    }
    // Recorded exceptions (exception.message, exception.stacktrace) and the status message.
    for (const event of span.events) {
      const eventAttributes = (event.attributes ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(eventAttributes)) {
        if (typeof value === 'string') eventAttributes[key] = scrubText(value);
      }
    }
    const status = span.status as { message?: string };
    if (typeof status.message === 'string') status.message = scrubText(status.message);
  }

  private treatmentOf(key: string): Treatment {
    let treatment = this.treatments.get(key);
    if (treatment === undefined) {
      treatment = decideTreatment(key);
      if (this.treatments.size < MAX_REMEMBERED_KEYS) this.treatments.set(key, treatment);
    }
    return treatment;
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

/**
 * Error reporting to Sentry (the seed's CaptureError and RecoverAndReport).
 * @sentry/node is required only when SENTRY_ENABLED=true; otherwise every
 * function here is a no-op and no Sentry module is loaded.
 *
 * Coexistence with our OpenTelemetry setup: Sentry sets up no tracing
 * (enableOpenTelemetrySetup false, no tracesSampleRate) and keeps only its
 * error integrations. Its Http/NodeFetch integrations would add sentry-trace
 * and baggage headers (with a different trace id and the public key) to every
 * action:http request, and its Fastify integration would start spans of its
 * own next to our request spans, so they are left out; W3C propagation stays ours. Events
 * carry the active OpenTelemetry trace id instead.
 */
import type * as SentryModule from '@sentry/node';
import type { ErrorEvent } from '@sentry/node';
import type { RuntimeConfig } from '../config/runtime-config';
import { configSecrets } from '../config/runtime-config';
import type { SecretScrubber } from '../logging/secret-scrubber';
import { packageVersion } from '../metrics/package-version';
import { activeTraceIds } from '../tracing/spans';
import { createCredentialScrubber } from './credential-scrubber';
import { scrubEvent } from './event-scrubber';
import { FingerprintRateLimiter } from './fingerprint-rate-limiter';

export interface ErrorTags {
  readonly tenant_id?: string;
  readonly workflow_id?: string;
  readonly execution_id?: string;
  readonly step_type?: string;
  /** API errors: the route template. */
  readonly route?: string;
}

export interface CaptureOptions {
  /** Grouping key; by default per workflow and step type when a workflow is known. */
  readonly fingerprint?: readonly string[];
  readonly level?: 'fatal' | 'error' | 'warning';
}

/**
 * Error integrations only; everything that instruments or adds request data
 * is left out. Dedupe too: it drops an event identical to the one before,
 * which makes what arrives depend on interleaving; the per-fingerprint rate
 * limit is the one, predictable, policy for repeats.
 */
const KEPT_INTEGRATIONS = new Set(['EventFilters', 'FunctionToString', 'LinkedErrors', 'NodeSystemError', 'ContextLines', 'Context']);

interface Reporter {
  readonly sentry: typeof SentryModule;
  readonly scrub: SecretScrubber;
}

let reporter: Reporter | undefined;

export function errorReportingEnabled(): boolean {
  return reporter !== undefined;
}

export function startErrorReporting(config: RuntimeConfig, role: 'api' | 'worker'): void {
  if (!config.sentry.enabled || reporter !== undefined) return;
  const sentry = require('@sentry/node') as typeof SentryModule;
  const scrub = createCredentialScrubber(configSecrets(config));
  const limiter = new FingerprintRateLimiter(config.sentry.rateLimitPerMinute);
  sentry.init({
    dsn: config.sentry.dsn,
    environment: config.sentry.environment,
    release: `gorax@${packageVersion()}`,
    sampleRate: config.sentry.sampleRate,
    initialScope: { tags: { service: `gorax-${role}` } },
    enableOpenTelemetrySetup: false,
    enableRuntimeChannelInjection: false,
    sendClientReports: false,
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    },
    integrations: (defaults) => defaults.filter((integration) => KEPT_INTEGRATIONS.has(integration.name)),
    beforeBreadcrumb: () => null,
    beforeSend(event: ErrorEvent): ErrorEvent | null {
      const exception = event.exception?.values?.[0];
      const key = (event.fingerprint ?? [exception?.type ?? 'error', exception?.value ?? event.message ?? '']).join('|');
      const { admitted, droppedBefore } = limiter.admit(key);
      if (!admitted) return null;
      if (droppedBefore > 0) event.extra = { ...event.extra, dropped_in_previous_minute: droppedBefore };
      return scrubEvent(event, scrub);
    },
  });
  reporter = { sentry, scrub };
}

function defaultFingerprint(tags: ErrorTags): string[] | undefined {
  if (tags.workflow_id !== undefined) return ['workflow-failure', tags.workflow_id, tags.step_type ?? 'workflow'];
  return undefined;
}

/**
 * Reports an error with its tags and the active trace id; a no-op when reporting is disabled.
 *
 * Tags, grouping and trace go in a capture context rather than withScope():
 * withScope() runs Sentry's own AsyncLocalStorage, and once that has run,
 * every promise and callback of the process carries a second store besides
 * OpenTelemetry's (about a fifth more async-context cost, for good).
 */
export function captureError(error: unknown, tags: ErrorTags = {}, options: CaptureOptions = {}): void {
  const current = reporter;
  if (current === undefined) return;
  const ids = activeTraceIds();
  const eventTags: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) if (typeof value === 'string' && value !== '') eventTags[key] = value.slice(0, 200);
  if (ids) eventTags.trace_id = ids.traceId;
  const fingerprint = options.fingerprint ?? defaultFingerprint(tags);
  current.sentry.captureException(error, {
    tags: eventTags,
    ...(fingerprint ? { fingerprint: [...fingerprint] } : {}),
    ...(options.level ? { level: options.level } : {}),
    // The OpenTelemetry trace in contexts.trace, where Sentry links traces (an event's own contexts.trace wins over the scope's).
    ...(ids ? { contexts: { trace: { trace_id: ids.traceId, span_id: ids.spanId } } } : {}),
  });
}

/** Runs fn; an error it throws is reported with the tags and rethrown. */
export async function recoverAndReport<T>(fn: () => Promise<T>, tags: ErrorTags = {}, options: CaptureOptions = {}): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    captureError(error, tags, options);
    throw error;
  }
}

/** The error's class name, for grouping: pg's DatabaseError, for one, says `error` in its name. */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const constructorName = error.constructor?.name;
  return constructorName && constructorName !== 'Error' ? constructorName : error.name;
}

/** Reports an uncaught error at level fatal, marked unhandled. */
export function captureFatal(error: unknown, mechanism: string): void {
  reporter?.sentry.captureException(error, { mechanism: { handled: false, type: mechanism }, captureContext: { level: 'fatal' } });
}

/** Sends what is pending (up to timeoutMs) and stops reporting. */
export async function closeErrorReporting(timeoutMs = 2000): Promise<void> {
  const current = reporter;
  if (current === undefined) return;
  reporter = undefined;
  await current.sentry.close(timeoutMs);
}

/**
 * What the tracing and error-reporting tests give the service processes: a
 * database URL with a password in it (trust authentication ignores it, but
 * it must never reach a span or an error report), the OTLP receiver as
 * TRACING_ENDPOINT, the Sentry stand-in as SENTRY_DSN, and a short batch
 * delay so spans arrive quickly.
 */
import { SHARED_DATABASE_URL } from './test-environment';

export const DATABASE_PASSWORD = 'pg-secret-3141';

export function databaseUrlWithPassword(): string {
  const url = new URL(SHARED_DATABASE_URL);
  if (url.password === '') url.password = DATABASE_PASSWORD;
  return url.toString();
}

export function telemetryEnv(options: { otlpEndpoint?: string; sentryDsn?: string; sampleRate?: string }): Record<string, string> {
  return {
    DATABASE_URL: databaseUrlWithPassword(),
    LOG_LEVEL: 'info',
    APP_ENV: 'staging',
    TRACING_ENABLED: options.otlpEndpoint ? 'true' : 'false',
    TRACING_ENDPOINT: options.otlpEndpoint ?? 'localhost:4317',
    TRACING_SAMPLE_RATE: options.sampleRate ?? '1',
    TRACING_SERVICE_NAME: 'gorax',
    SENTRY_ENABLED: options.sentryDsn ? 'true' : 'false',
    SENTRY_DSN: options.sentryDsn ?? '',
    SENTRY_ENVIRONMENT: 'staging',
    // The BatchSpanProcessor's export delay (default 5 s): the tests wait for spans, not for a timer.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
}

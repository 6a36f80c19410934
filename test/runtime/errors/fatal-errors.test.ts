/**
 * An uncaught exception or unhandled rejection is reported at level fatal
 * and the pending event (and pending spans) are delivered before the process
 * exits 1. The process is real; Sentry's ingest and the OTLP collector are
 * loopback stand-ins.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type OtlpTraceReceiver, startOtlpTraceReceiver } from '../support/otlp-trace-receiver';
import { startSentryIngestReceiver, type SentryIngestReceiver } from '../support/sentry-ingest-receiver';
import { telemetryEnv } from '../support/telemetry-environment';
import { SHARED_REDIS_URL } from '../support/test-environment';

const ROOT = join(__dirname, '..', '..', '..');
// Credentials in the message itself: the event must arrive without them.
const MESSAGE = 'lost postgres://gorax:hunter2@db.internal/gorax with token=abc123 and Bearer xyz789';

let sentry: SentryIngestReceiver;
let otlp: OtlpTraceReceiver;

beforeAll(async () => {
  sentry = await startSentryIngestReceiver();
  otlp = await startOtlpTraceReceiver();
});

afterAll(async () => {
  await sentry?.close();
  await otlp?.close();
});

function crash(kind: 'exception' | 'rejection'): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'fixtures', 'crashing-process.ts'), kind], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      ...telemetryEnv({ otlpEndpoint: otlp.endpoint, sentryDsn: sentry.dsn }),
      // A batch delay far beyond the test: spans can only arrive through the exit flush.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      REDIS_URL: SHARED_REDIS_URL,
      CRASH_MESSAGE: `${kind}: ${MESSAGE}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

it.each(['exception', 'rejection'] as const)('an unhandled %s is delivered, scrubbed, before the process exits 1', async (kind) => {
  const { code, stdout } = await crash(kind);
  expect(stdout).toContain('ready');
  expect(code).toBe(1);

  const events = sentry.events().filter((e) => String(e.exception?.values?.[0]?.value).startsWith(`${kind}:`));
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event.level).toBe('fatal');
  expect(event.exception.values[0].mechanism).toMatchObject({
    handled: false,
    type: kind === 'exception' ? 'auto.node.onuncaughtexception' : 'auto.node.onunhandledrejection',
  });
  expect(event.exception.values[0].value).toBe(`${kind}: lost [redacted-connection-string] with token=[redacted] and Bearer [redacted]`);
  const raw = sentry.requests.map((r) => r.body).join('\n');
  for (const secret of ['hunter2', 'abc123', 'xyz789', 'postgres://']) expect(raw).not.toContain(secret);

  // With a 60 s batch delay, the span ended before the crash arrives only through the handler's flush.
  expect(otlp.spans.filter((s) => s.name === 'before.crash' && s.attributes['crash.kind'] === kind)).toHaveLength(1);
});

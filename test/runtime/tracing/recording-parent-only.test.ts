/**
 * underRecordingSpanOnly: a patched method runs its instrumentation only
 * under a recording span; under an unsampled (non-recording) span or none it
 * calls the unpatched method directly. The real ioredis patch is
 * exercised by the child-process trace tests (Jest's module registry
 * bypasses require-time patching); here a probe instrumentation patches a
 * plain object through the same `_wrap`.
 */
import { trace } from '@opentelemetry/api';
import { InstrumentationBase, isWrapped } from '@opentelemetry/instrumentation';
import { underRecordingSpanOnly } from '../../../lib/runtime/tracing/recording-parent-only';
import { type InProcessTracing, startInProcessTracing } from './in-process-provider';

interface Client {
  query(text: string): string;
  end(): string;
}

class ProbeInstrumentation extends InstrumentationBase {
  readonly patchedCalls: string[] = [];

  constructor() {
    super('probe', '0.0.0', { enabled: false });
  }

  protected init(): [] {
    return [];
  }

  patch(client: Client): void {
    const calls = this.patchedCalls;
    for (const name of ['query', 'end'] as const) {
      this._wrap(client, name, (original) =>
        function (this: Client, ...args: unknown[]) {
          calls.push(name);
          return (original as (...a: unknown[]) => string).apply(this, args);
        } as never,
      );
    }
  }
}

function newClient(): Client {
  return { query: (text) => `rows of ${text}`, end: () => 'ended' };
}

async function underSpan<T>(fn: () => T): Promise<T> {
  return trace.getTracer('test').startActiveSpan('request', async (span) => {
    try {
      return fn();
    } finally {
      span.end();
    }
  });
}

describe('under a sampled request', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 1 })));
  afterAll(() => tracing.stop());

  it('runs the instrumentation', async () => {
    const probe = underRecordingSpanOnly(new ProbeInstrumentation(), ['query']);
    const client = newClient();
    probe.patch(client);
    expect(await underSpan(() => client.query('SELECT 1'))).toBe('rows of SELECT 1');
    expect(probe.patchedCalls).toEqual(['query']);
  });
});

describe('under an unsampled request', () => {
  let tracing: InProcessTracing;
  beforeAll(() => (tracing = startInProcessTracing({ sampleRate: 0 })));
  afterAll(() => tracing.stop());

  it('calls the unpatched method directly, but only for the listed methods', async () => {
    const probe = underRecordingSpanOnly(new ProbeInstrumentation(), ['query']);
    const client = newClient();
    probe.patch(client);
    const [answer, active] = await underSpan(() => [client.query('SELECT 1'), trace.getActiveSpan()] as const);
    expect(answer).toBe('rows of SELECT 1');
    expect(active?.isRecording()).toBe(false);
    expect(client.end()).toBe('ended');
    expect(probe.patchedCalls).toEqual(['end']);
  });

  it('calls the unpatched method without any active span', () => {
    const probe = underRecordingSpanOnly(new ProbeInstrumentation(), ['query']);
    const client = newClient();
    probe.patch(client);
    expect(client.query('SELECT 2')).toBe('rows of SELECT 2');
    expect(probe.patchedCalls).toEqual([]);
  });

  it('keeps the method marked as wrapped, so the instrumentation can unwrap it', () => {
    const probe = underRecordingSpanOnly(new ProbeInstrumentation(), ['query']);
    const client = newClient();
    const original = client.query;
    probe.patch(client);
    expect(isWrapped(client.query)).toBe(true);
    (probe as unknown as { _unwrap(nodule: object, name: string): void })._unwrap(client, 'query');
    expect(client.query).toBe(original);
  });
});

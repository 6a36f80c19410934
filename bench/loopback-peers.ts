/**
 * The peers the instrumented variants export to, on loopback: a minimal
 * OTLP/gRPC trace sink (accepts Export, answers success, keeps only counts,
 * so a long run does not grow the benchmark's own memory or CPU) and an HTTP
 * server standing in for Sentry's ingest endpoint.
 */
import { createServer, type Server } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { OTLP_TRACE_SERVICE } from '../test/runtime/support/otlp-trace-service';

export interface LoopbackPeers {
  readonly otlpEndpoint: string;
  readonly sentryDsn: string;
  readonly counts: { exportCalls: number; exportBytes: number; sentryRequests: number };
  close(): Promise<void>;
}

export async function startLoopbackPeers(): Promise<LoopbackPeers> {
  const counts = { exportCalls: 0, exportBytes: 0, sentryRequests: 0 };
  const grpcServer = new grpc.Server();
  grpcServer.addService(
    OTLP_TRACE_SERVICE,
    {
      Export(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
        counts.exportCalls++;
        counts.exportBytes += call.request.length;
        callback(null, Buffer.alloc(0));
      },
    },
  );
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  const sentry: Server = createServer((request, response) => {
    counts.sentryRequests++;
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => sentry.listen(0, '127.0.0.1', resolve));
  const sentryPort = (sentry.address() as { port: number }).port;
  return {
    otlpEndpoint: `127.0.0.1:${grpcPort}`,
    sentryDsn: `http://benchkey@127.0.0.1:${sentryPort}/1`,
    counts,
    close: async () => {
      await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
      await new Promise<void>((resolve) => sentry.close(() => resolve()));
    },
  };
}

/** What a benchmarked service is instrumented with: nothing, metrics, metrics + tracing at 10% or 100%, or all of it (tracing 10% + Sentry). */
export type InstrumentationLevel = 'off' | 'metrics' | 'tracing10' | 'tracing100' | 'full';

/** A named instrumentation level of a service, with what it adds to the environment (e.g. another sample rate). */
export interface Setup {
  readonly name: string;
  readonly level: InstrumentationLevel;
  readonly env?: Record<string, string>;
}

/**
 * The API setups the suites measure: the instrumentation levels, and tracing
 * at 0% (every request unsampled: what tracing costs a request it does not record).
 */
export const API_SETUPS: readonly Setup[] = [
  { name: 'off', level: 'off' },
  { name: 'metrics', level: 'metrics' },
  { name: 'tracing0', level: 'tracing10', env: { TRACING_SAMPLE_RATE: '0' } },
  { name: 'tracing10', level: 'tracing10' },
  { name: 'tracing100', level: 'tracing100' },
  { name: 'full', level: 'full' },
];

/** The environment of each instrumentation level, shared by the request and worker suites. */
export function instrumentationEnv(level: InstrumentationLevel, peers: LoopbackPeers): Record<string, string> {
  const metrics = level === 'off' ? 'false' : 'true';
  const tracing = level === 'tracing10' || level === 'tracing100' || level === 'full';
  return {
    METRICS_ENABLED: metrics,
    TRACING_ENABLED: String(tracing),
    TRACING_ENDPOINT: peers.otlpEndpoint,
    TRACING_SAMPLE_RATE: level === 'tracing100' ? '1.0' : '0.1',
    SENTRY_ENABLED: String(level === 'full'),
    SENTRY_DSN: level === 'full' ? peers.sentryDsn : '',
  };
}

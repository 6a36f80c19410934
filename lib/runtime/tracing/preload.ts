/**
 * Starts tracing before the service's own modules load, when
 * TRACING_ENABLED=true, and does nothing else: with tracing disabled no SDK
 * module is ever required. bin/api.ts and bin/worker.ts import
 * preload-api.ts / preload-worker.ts as their FIRST import (compiled
 * CommonJS keeps import order), so pg and ioredis are required after their
 * instrumentations are registered.
 *
 * The configuration is the validated one. An invalid configuration starts
 * nothing here; the entry point then reports it and exits 1.
 */
import { isMainThread } from 'node:worker_threads';
import { loadConfig } from '../config/runtime-config';
import { packageVersion } from '../metrics/package-version';
import { setTracingHandle, type TracingHandle } from './tracing-state';

export function preloadTracing(role: 'api' | 'worker', env: NodeJS.ProcessEnv = process.env): TracingHandle | undefined {
  // A module.register() loader thread re-runs preloads; one SDK per process.
  if (!isMainThread) return undefined;
  let config;
  try {
    config = loadConfig(env);
  } catch {
    return undefined;
  }
  if (!config.tracing.enabled) return undefined;
  // require(), not import: the SDK is loaded only on this branch (a dynamic import() fails under ts-jest/CommonJS).
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const handle = sdk.startTracing({
    endpoint: config.tracing.endpoint,
    sampleRate: config.tracing.sampleRate,
    serviceName: config.tracing.serviceName,
    role,
    version: packageVersion(),
    environment: config.appEnv,
  });
  setTracingHandle(handle);
  return handle;
}

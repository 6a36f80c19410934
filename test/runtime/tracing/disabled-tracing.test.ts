/**
 * TRACING_ENABLED=false loads no SDK module, and SENTRY_ENABLED=false loads
 * no Sentry module: a fresh process loads what bin/api.ts and bin/worker.ts
 * load (without starting them) and lists its module cache. The enabled run
 * is the control that shows the check can see them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { SHARED_DATABASE_URL, SHARED_REDIS_URL } from '../support/test-environment';

const ROOT = join(__dirname, '..', '..', '..');
const SDK_MODULE = /node_modules\/(@opentelemetry\/(sdk-|exporter-|instrumentation|resources|context-async-hooks|otlp-)|@grpc\/)/;
const SENTRY_MODULE = /node_modules\/@sentry\//;

const PROBE = `
require('./lib/runtime/tracing/preload-api');
const { loadConfig } = require('./lib/runtime/config/runtime-config');
require('./lib/runtime/api/start-api');
require('./lib/runtime/worker/start-worker');
const { startErrorReporting, closeErrorReporting } = require('./lib/runtime/errors/error-reporting');
startErrorReporting(loadConfig(process.env), 'api');
const loaded = Object.keys(require.cache);
const { shutdownTracing } = require('./lib/runtime/tracing/tracing-state');
Promise.all([shutdownTracing(), closeErrorReporting(100)]).then(() => process.stdout.write(JSON.stringify(loaded)));
`;

function loadedModules(env: Record<string, string>): string[] {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', PROBE], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      DATABASE_URL: SHARED_DATABASE_URL,
      REDIS_URL: SHARED_REDIS_URL,
      TRACING_ENDPOINT: '127.0.0.1:9',
      SENTRY_DSN: 'http://key@127.0.0.1:9/1',
      ...env,
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

it('loads no tracing SDK and no Sentry module when both are disabled', () => {
  const modules = loadedModules({ TRACING_ENABLED: 'false', SENTRY_ENABLED: 'false' });
  expect(modules.some((m) => m.includes('/lib/runtime/api/start-api'))).toBe(true);
  expect(modules.filter((m) => SDK_MODULE.test(m))).toEqual([]);
  expect(modules.filter((m) => SENTRY_MODULE.test(m))).toEqual([]);
});

it('loads them when enabled (the control)', () => {
  const modules = loadedModules({ TRACING_ENABLED: 'true', SENTRY_ENABLED: 'true' });
  expect(modules.filter((m) => SDK_MODULE.test(m)).length).toBeGreaterThan(10);
  expect(modules.filter((m) => SENTRY_MODULE.test(m)).length).toBeGreaterThan(0);
});

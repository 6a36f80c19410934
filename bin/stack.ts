/**
 * npm run stack [-- --api-port N … --time-scale F --no-build]: the whole
 * Gorax stack on loopback (see lib/stack/local-stack.ts). Ctrl-C or SIGTERM
 * stops everything it started.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack, STACK_PORTS, StackRefusal, type StackPortName } from '../lib/stack/local-stack';

const PORT_NAMES = Object.keys(STACK_PORTS) as StackPortName[];
const print = (line: string) => process.stdout.write(`${line}\n`);

function usage(): string {
  const ports = PORT_NAMES.map((n) => `  --${STACK_PORTS[n].flag} N   ${STACK_PORTS[n].what} port (default ${STACK_PORTS[n].default})`).join('\n');
  return [
    'usage: npm run stack [-- options]',
    ports,
    '  --prometheus-bin PATH     Prometheus binary (default prometheus on PATH)',
    '  --alertmanager-bin PATH   Alertmanager binary (default prometheus-alertmanager on PATH)',
    '  --scrape-interval D       Prometheus scrape interval (default 5s)',
    '  --time-scale F            scale every alert `for`, the rule evaluation interval and the route timings by F in (0, 1] (default 1, as shipped)',
    '  --no-build                skip npm run build (use the existing build/)',
    'PostgreSQL and Redis come from DATABASE_URL and REDIS_URL (default the local ones); every other service variable is passed through.',
  ].join('\n');
}

function parsePort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new StackRefusal(`--${flag} accepts a port from 1 to 65535, not "${value}"`);
  return port;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(PORT_NAMES.map((n) => [STACK_PORTS[n].flag, { type: 'string' as const }])),
      'prometheus-bin': { type: 'string' },
      'alertmanager-bin': { type: 'string' },
      'scrape-interval': { type: 'string' },
      'time-scale': { type: 'string' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    print(usage());
    return 0;
  }
  const flag = (name: string) => values[name as keyof typeof values] as string | undefined;
  const ports = Object.fromEntries(PORT_NAMES.map((n) => [n, parsePort(STACK_PORTS[n].flag, flag(STACK_PORTS[n].flag), STACK_PORTS[n].default)])) as Record<StackPortName, number>;
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!(timeScale > 0 && timeScale <= 1)) throw new StackRefusal(`--time-scale accepts a number in (0, 1], not "${values['time-scale']}"`);
  const scrapeInterval = values['scrape-interval'] ?? '5s';
  if (!/^\d+(ms|s|m)$/.test(scrapeInterval)) throw new StackRefusal(`--scrape-interval accepts a duration such as 5s, not "${scrapeInterval}"`);

  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = signal;
    print(`\n${signal}: stopping everything the stack started…`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stack;
  try {
    stack = await startLocalStack({
      ports,
      databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
      redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      binaries: { prometheus: values['prometheus-bin'], alertmanager: values['alertmanager-bin'] },
      build: !values['no-build'],
      root: join(__dirname, '..'),
      scrapeInterval,
      timeScale,
      print,
      signal: abort.signal,
    });
  } catch (error) {
    if (signalled) {
      print('stopped.');
      return 0;
    }
    throw error;
  }
  print('');
  print('gorax stack is up (every part answered its readiness check; Prometheus scrapes both services with up == 1):');
  for (const part of stack.parts) print(`  ${part.name.padEnd(15)} ${part.url}${part.pid === undefined ? '' : `  (pid ${part.pid})`}`);
  print(`alert notifications are printed below as [sink] lines; time scale ${timeScale}. Ctrl-C stops everything.`);

  const reason = await Promise.race([
    new Promise<string>((resolve) => abort.signal.addEventListener('abort', () => resolve(''), { once: true })),
    stack.failed,
  ]);
  if (reason) print(`stack: ${reason}\nstopping everything…`);
  await stack.stop();
  print('stopped.');
  return reason ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`stack: ${error instanceof StackRefusal ? 'refused: ' : ''}${(error as Error).message}\n`);
    process.exit(error instanceof StackRefusal ? 2 : 1);
  },
);

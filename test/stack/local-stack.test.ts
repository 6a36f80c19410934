/**
 * SLOW (~1 min, runs `npm run build`): `npm run stack` (bin/stack.ts) as a
 * child process on free ports, isolated on the shared PostgreSQL and Redis
 * by its own DATABASE_SCHEMA and QUEUE_PREFIX: it prints the URLs, Prometheus
 * sees both services up, and SIGTERM stops every process it started. It
 * refuses, before starting anything, when a port is taken, a binary is
 * missing or Redis does not answer.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { JOBS } from '../../lib/catalog/target-labels';
import { STACK_PORTS, type StackPortName } from '../../lib/stack/local-stack';
import { portIsFree } from '../../lib/stack/preflight';
import { eventually } from '../runtime/support/eventually';
import { freePort } from '../runtime/support/free-port';
import { createTestEnvironment, type TestEnvironment } from '../runtime/support/test-environment';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
const PORT_NAMES = Object.keys(STACK_PORTS) as StackPortName[];

interface StackRun {
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
}

function runStack(args: string[], env: Record<string, string | undefined>): StackRun {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join('bin', 'stack.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { output: () => output, exited, pid: child.pid!, kill: (signal) => child.kill(signal) };
}

async function portFlags(): Promise<{ args: string[]; ports: Record<StackPortName, number> }> {
  const ports = {} as Record<StackPortName, number>;
  for (const name of PORT_NAMES) ports[name] = await freePort();
  return { args: PORT_NAMES.flatMap((n) => [`--${STACK_PORTS[n].flag}`, String(ports[n])]), ports };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run stack', () => {
  let environment: TestEnvironment;
  let run: StackRun | undefined;

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterAll(async () => {
    if (run) {
      run.kill('SIGKILL');
      await run.exited;
    }
    await environment.cleanup();
  });

  it('starts every part, prints the URLs, Prometheus sees both services up; SIGTERM stops every process it started', async () => {
    const { args, ports } = await portFlags();
    run = runStack([...args, '--scrape-interval', '1s'], {
      DATABASE_SCHEMA: environment.schema,
      QUEUE_PREFIX: environment.prefix,
      LOG_LEVEL: 'warn',
    });
    const current = run;
    await eventually(() => (current.output().includes('gorax stack is up') ? true : undefined), {
      timeoutMs: 200_000,
      intervalMs: 250,
      what: `the stack to come up (output so far: ${current.output().slice(-2000)})`,
    }).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${current.output().slice(-3000)}`);
    });
    await eventually(() => (current.output().includes('Ctrl-C stops everything') ? true : undefined), { what: 'the whole summary' });
    const output = current.output();
    const url = (port: number) => `http://127.0.0.1:${port}`;
    for (const [name, port] of [
      ['api', ports.api],
      ['worker health', ports.workerHealth],
      ['prometheus', ports.prometheus],
      ['alertmanager', ports.alertmanager],
      ['webhook sink', ports.sink],
    ] as const) {
      expect(output).toMatch(new RegExp(`${name}\\s+${url(port).replace(/[.]/g, '\\.')}`));
    }
    const pids = [...output.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(new Set(pids).size).toBe(4); // API, worker, Prometheus, Alertmanager
    expect(pids.every(alive)).toBe(true);

    const targets = (await (await fetch(`${url(ports.prometheus)}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; health: string }[] };
    };
    expect(Object.fromEntries(targets.data.activeTargets.map((t) => [t.labels.job, t.health]))).toEqual({ [JOBS.api]: 'up', [JOBS.worker]: 'up' });
    expect((await fetch(`${url(ports.api)}/health/ready`)).status).toBe(200);

    current.kill('SIGTERM');
    expect(await current.exited).toBe(0);
    run = undefined;
    expect(current.output()).toContain('stopped.');
    expect(pids.filter(alive)).toEqual([]);
    for (const name of PORT_NAMES) expect(await portIsFree(ports[name])).toBe(true);
  });
});

describe('npm run stack refuses with a clear message before starting anything', () => {
  let blocker: Server;
  afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('when a port is taken', async () => {
    const { args, ports } = await portFlags();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.prometheus, '127.0.0.1', resolve));
    const refused = runStack([...args, '--no-build'], {});
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain(`port ${ports.prometheus} (Prometheus) is taken on 127.0.0.1: stop what listens there or pass --prometheus-port`);
    expect(refused.output()).not.toContain('building');
  });

  it('when a binary is missing', async () => {
    const { args } = await portFlags();
    // A PATH without Prometheus' binaries (node itself runs by its full path).
    const refused = runStack([...args, '--no-build'], { PATH: '/nonexistent' });
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain('binary "prometheus" not found on PATH');
    expect(refused.output()).toContain('binary "prometheus-alertmanager" not found on PATH');
  });

  it('when Redis does not answer', async () => {
    const { args } = await portFlags();
    const nothing = await freePort();
    const refused = runStack([...args, '--no-build'], { REDIS_URL: `redis://127.0.0.1:${nothing}` });
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain(`Redis at redis://127.0.0.1:${nothing} does not answer`);
  });
});

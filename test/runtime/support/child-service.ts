/**
 * Runs bin/api.ts or bin/worker.ts as a real child process (ts-node,
 * transpile only) configured by environment variables, reads its JSON log
 * lines for the bound ports, and sends it signals.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually';

const ROOT = join(__dirname, '..', '..', '..');

export interface ChildService {
  readonly process: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
}

export function startChild(service: 'api' | 'worker', env: Record<string, string>): ChildService {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join('bin', `${service}.ts`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part, unparsed: true });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    lines,
    stderr,
    exited,
    waitForLog: (message, timeoutMs = 30_000) =>
      eventually(() => lines.find((l) => l.msg === message), { timeoutMs, what: `log "${message}" from ${service}` }),
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

export interface ChildServices {
  readonly api: ChildService;
  readonly worker: ChildService;
  /** The API's bound traffic port. */
  readonly apiPort: number;
  /** SIGKILLs both and waits until they are gone. */
  stop(): Promise<void>;
}

/** Starts the API and a worker on one environment and waits until both have started. */
export async function startServices(env: Record<string, string>): Promise<ChildServices> {
  const api = startChild('api', env);
  const worker = startChild('worker', env);
  const stop = async (): Promise<void> => {
    for (const child of [api, worker]) {
      child.kill('SIGKILL');
      await child.exited;
    }
  };
  try {
    const [listening] = await Promise.all([api.waitForLog('api listening'), api.waitForLog('api started'), worker.waitForLog('worker started')]);
    return { api, worker, apiPort: listening.port as number, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

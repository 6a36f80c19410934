/**
 * A child process in its own process group, so stopping it also stops
 * whatever it started (npm, shells, grandchildren): SIGTERM to the group,
 * then SIGKILL to the group when it does not exit in time.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last output lines (stdout and stderr), for error messages. */
  readonly output: string[];
  /** Resolves when the process exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** SIGTERM to the group, SIGKILL to the group after graceMs; resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SuperviseOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with each output line (stdout and stderr). */
  readonly onLine?: (line: string) => void;
}

const KEPT_LINES = 200;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

export function supervise(options: SuperviseOptions): SupervisedProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the whole tree can be signalled at once.
    detached: true,
  });
  const output: string[] = [];
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      running = false;
      output.push(`cannot start ${options.command}: ${error.message}`);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (output.length > KEPT_LINES) output.shift();
        options.onLine?.(line);
      }
    });
  }
  return {
    name: options.name,
    pid: child.pid ?? -1,
    process: child,
    output,
    exited,
    get running() {
      return running;
    },
    stop: async (graceMs = 10_000) => {
      if (child.pid === undefined) return;
      // Signal the group even when the leader already exited: its children may not have.
      signalGroup(child.pid, 'SIGTERM');
      if (running) {
        const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      signalGroup(child.pid, 'SIGKILL');
    },
  };
}

/**
 * A test-owned PostgreSQL cluster (initdb + pg_ctl) in a temp directory on a
 * free loopback port, run as the `postgres` user when the tests run as root
 * (PostgreSQL refuses root). The test may stop and start it; the machine's
 * shared PostgreSQL is never touched.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface OwnedPostgres {
  readonly port: number;
  readonly url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return join(root, versions[0]!, 'bin');
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

export async function createOwnedPostgres(): Promise<OwnedPostgres> {
  const port = await freePort();
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'gorax-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, uidOf('postgres'), uidOf('postgres'));
  const run = (tool: string, args: string[]) => {
    const command = join(bin, tool);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
    else execFileSync(command, args, { stdio: 'ignore' });
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => {
      if (running) return;
      run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      running = true;
    },
    stop: () => {
      if (!running) return;
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    destroy: () => {
      if (running) {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

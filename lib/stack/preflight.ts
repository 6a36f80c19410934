/**
 * What the local stack checks before it starts anything, each failure with
 * a message that says what to do: binaries on PATH, loopback ports free,
 * PostgreSQL and Redis answering.
 */
import { accessSync, constants } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';

/** The executable's full path on PATH, or undefined. */
export function findBinary(name: string, path = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) {
    try {
      accessSync(name, constants.X_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** True when nothing listens on host:port and we may bind it. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Connects and runs `SELECT 1`; resolves with an error message, or undefined when PostgreSQL answers. */
export async function postgresProblem(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Sends PING (after AUTH when the URL has credentials) and expects PONG.
 * A raw RESP exchange: three lines of protocol, where a client library would
 * need ioredis as a direct dependency only for this check.
 */
export function redisProblem(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const parsed = new URL(url);
  const port = Number(parsed.port || 6379);
  const host = parsed.hostname || '127.0.0.1';
  const command = (...parts: string[]) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const auth = password ? (user ? command('AUTH', user, password) : command('AUTH', password)) : '';
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answer = '';
    const done = (problem: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`no answer from ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => socket.write(`${auth}${command('PING')}`));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.startsWith('-')) done(`Redis answered ${answer.split('\r\n')[0]}`);
      else if (answer.includes('+PONG')) done(undefined);
    });
    socket.once('error', (error) => done(error.message));
  });
}

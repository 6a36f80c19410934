/** A TCP port free on loopback right now (the OS picks it). */
import { createServer } from 'node:net';

/**
 * Ports this process has handed out. Each port is released before it is
 * returned, and the OS can hand a just-released port out again: the local
 * stack test once got one port for two of its roles (worker health and
 * webhook sink), and the stack refused to start. A port is never handed out
 * twice by one process, so callers that draw several one after the other (or
 * at once) get distinct ones.
 */
const handedOut = new Set<number>();

function portTheOsPicks(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await portTheOsPicks();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** A real HTTP server on loopback for action:http steps to call: /ok answers JSON, /fail 500, /flaky fails N times. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpTarget {
  readonly url: string;
  readonly requests: { method: string; path: string; body: string; headers: IncomingHttpHeaders }[];
  /** Makes /flaky answer 503 this many more times before 200. */
  failFlaky(times: number): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export async function startHttpTarget(): Promise<HttpTarget> {
  const requests: { method: string; path: string; body: string; headers: IncomingHttpHeaders }[] = [];
  let flakyFailures = 0;
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? '', path, body, headers: request.headers });
    if (path === '/fail') {
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
    } else if (path === '/flaky' && flakyFailures > 0) {
      flakyFailures -= 1;
      response.writeHead(503).end('try later');
    } else if (path === '/slow') {
      setTimeout(() => response.writeHead(200).end('slow'), 2000);
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path, echo: body || null }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failFlaky: (times) => (flakyFailures = times),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

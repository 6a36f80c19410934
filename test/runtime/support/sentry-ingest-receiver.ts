/**
 * A loopback HTTP server standing in for Sentry's ingest: a DSN pointing at
 * it makes @sentry/node POST envelopes to /api/<project>/envelope/. Bodies
 * are kept raw (for "no secret anywhere" assertions) and parsed into
 * envelope items. It always answers 200 {} so the SDK never backs off.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface EnvelopeItem {
  readonly header: { readonly type: string; readonly length?: number };
  readonly payload: any;
}

export interface Envelope {
  readonly header: Record<string, unknown>;
  readonly items: EnvelopeItem[];
}

/** Newline-delimited: the envelope header, then item header / payload pairs (a payload may give its length). */
export function parseEnvelope(body: Buffer): Envelope {
  let position = 0;
  const nextLine = () => {
    let end = body.indexOf(0x0a, position);
    if (end === -1) end = body.length;
    const line = body.subarray(position, end);
    position = end + 1;
    return line;
  };
  const header = JSON.parse(nextLine().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (position < body.length) {
    const line = nextLine();
    if (line.length === 0) continue;
    const itemHeader = JSON.parse(line.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(position, position + itemHeader.length);
      position += itemHeader.length + 1;
    } else {
      payload = nextLine();
    }
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (attachments): kept as text.
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items };
}

export interface SentryIngestReceiver {
  readonly dsn: string;
  readonly envelopes: Envelope[];
  /** Every request as received: path with query, and the (decompressed) body. */
  readonly requests: { readonly url: string; readonly body: string }[];
  /** The payloads of all `event` items. */
  events(): any[];
  close(): Promise<void>;
}

export async function startSentryIngestReceiver(): Promise<SentryIngestReceiver> {
  const envelopes: Envelope[] = [];
  const requests: { url: string; body: string }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      // The SDK gzips bodies over 32 KiB.
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      requests.push({ url: request.url ?? '', body: body.toString('utf8') });
      try {
        envelopes.push(parseEnvelope(body));
      } catch {
        // Kept in requests; a malformed envelope fails the assertions that look for events.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes,
    requests,
    events: () => envelopes.flatMap((e) => e.items).filter((i) => i.header.type === 'event').map((i) => i.payload),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

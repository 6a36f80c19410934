/**
 * action:http: one request with undici (the library behind Node's fetch),
 * bounded by the node's timeout (AbortSignal) and a response size cap.
 * Fails on a network error or a non-2xx answer. Unless private targets are
 * allowed, the connection's DNS lookup refuses non-public addresses and IP
 * literals are checked before connecting; redirects are not followed (a 3xx
 * fails) so a public URL cannot bounce the request to a private one.
 */
import { Agent, fetch } from 'undici';
import { DEFAULT_HTTP_TIMEOUT_MS } from '../../workflow/workflow-definition';
import { assertPublicLiteralHost, guardedLookup } from '../address-guard';
import { PermanentStepError } from '../step-error';
import type { StepHandler } from './step-handler';

export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface HttpActionOptions {
  readonly allowPrivate: boolean;
}

export interface HttpAction {
  readonly handler: StepHandler<'action:http'>;
  close(): Promise<void>;
}

/** The URL without credentials or query, for errors that are persisted and logged. */
function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

async function readCapped(response: Awaited<ReturnType<typeof fetch>>): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new PermanentStepError(`response body exceeds ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function createHttpAction(options: HttpActionOptions): HttpAction {
  const dispatcher = new Agent(options.allowPrivate ? {} : { connect: { lookup: guardedLookup as never } });

  const handler: StepHandler<'action:http'> = async (node, context) => {
    const { method, headers, body } = node.config;
    const url = new URL(node.config.url);
    if (!options.allowPrivate) assertPublicLiteralHost(url);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(node.config.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS)]);
    const sendsBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    const requestHeaders: Record<string, string> = { ...headers };
    if (sendsBody && typeof body !== 'string' && !Object.keys(requestHeaders).some((h) => h.toLowerCase() === 'content-type')) {
      requestHeaders['content-type'] = 'application/json';
    }
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, {
        method,
        headers: requestHeaders,
        body: sendsBody ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
        redirect: 'manual',
        signal,
        dispatcher,
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof PermanentStepError) throw cause;
      const name = (error as Error).name;
      const reason =
        name === 'TimeoutError' || name === 'AbortError'
          ? `timed out after ${node.config.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS} ms`
          : ((cause as Error | undefined)?.message ?? (error as Error).message);
      throw new Error(`${method} ${describeUrl(url)} failed: ${reason}`);
    }
    const text = await readCapped(response);
    if (response.status < 200 || response.status > 299) {
      const message = `${method} ${describeUrl(url)} answered ${response.status}`;
      throw retryableStatus(response.status) ? new Error(message) : new PermanentStepError(message);
    }
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/\bjson\b/i.test(contentType) && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: { 'content-type': contentType }, body: parsed };
  };

  return { handler, close: () => dispatcher.close() };
}

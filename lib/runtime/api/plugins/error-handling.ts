/**
 * Every error becomes a JSON answer `{statusCode, error, message, details?}`.
 * Client errors say what is wrong (Fastify's own 400/413/415 included);
 * anything else is a 500 whose details stay in the log, scrubbed of secrets.
 * Every 5xx is reported to error tracking (4xx are the client's, not ours),
 * grouped per route and error type, and marks the request's span failed.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { UNMATCHED_ROUTE } from '../../../catalog/labels';
import { captureError, errorKind } from '../../errors/error-reporting';
import type { SecretScrubber } from '../../logging/secret-scrubber';
import { markRequestFailed } from '../../tracing/request-spans';
import { HttpError } from '../http-error';

export function registerErrorHandling(app: FastifyInstance, scrub: SecretScrubber): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (statusCode >= 500) {
      reportServerError(request, error);
      const message = scrub(error.message);
      markRequestFailed(request, error, message);
      if (!(error instanceof HttpError)) {
        request.log.error({ err: { message, code: (error as FastifyError).code } }, 'request failed');
        return reply.code(500).send({ statusCode: 500, error: STATUS_CODES[500], message: 'internal error' });
      }
    }
    const body: Record<string, unknown> = { statusCode, error: STATUS_CODES[statusCode], message: error.message };
    if ('code' in error && typeof error.code === 'string') body.code = error.code;
    if (error instanceof HttpError && error.details) body.details = error.details;
    return reply.code(statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ statusCode: 404, error: STATUS_CODES[404], message: `no route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}` }),
  );
}

function reportServerError(request: FastifyRequest, error: Error): void {
  const route = `${request.method} ${request.routeOptions.url ?? UNMATCHED_ROUTE}`;
  const tenantId = (request as { tenantId?: unknown }).tenantId;
  captureError(error, { route, tenant_id: typeof tenantId === 'string' ? tenantId : undefined }, { fingerprint: ['api-error', route, errorKind(error)] });
}

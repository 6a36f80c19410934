/** The tenant of a request: the X-Tenant-ID header, validated. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error';

export const TENANT_HEADER = 'x-tenant-id';
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

declare module 'fastify' {
  interface FastifyRequest {
    tenantId: string;
  }
}

/** Rejects requests without a valid tenant before their body is read. */
export function requireTenant(app: FastifyInstance): void {
  app.decorateRequest('tenantId', '');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const value = request.headers[TENANT_HEADER];
    if (value === undefined || value === '') throw new HttpError(400, 'the X-Tenant-ID header is required');
    if (typeof value !== 'string' || !TENANT_PATTERN.test(value)) {
      throw new HttpError(400, `the X-Tenant-ID header must match ${TENANT_PATTERN.source}`);
    }
    request.tenantId = value;
  });
}

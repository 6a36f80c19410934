/**
 * Request bodies: JSON only (anything else is 415), parsed with Fastify's
 * own safe parser (prototype-poisoning protection), except that an empty
 * body is no body, because `POST .../executions` takes an optional one.
 */
import type { FastifyInstance } from 'fastify';

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redactUrl } from './redact.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the matched route's template, read once (see `routeUrl`) */
    matchedRoute: string | undefined;
    /** the URL with secrets redacted, made once (see `loggedUrl`) */
    redactedUrl: string | undefined;
  }
}

/**
 * Declares the per-request slots `routeUrl` and `loggedUrl` fill, so every request
 * object keeps one shape.
 */
export function declareRequestFacts(server: FastifyInstance): void {
  server.decorateRequest('matchedRoute', undefined);
  server.decorateRequest('redactedUrl', undefined);
}

/**
 * The route template a request matched (`/api/collections/:collection/records/:id`), or
 * '' when none did. Fastify's `request.routeOptions` builds a fresh object of every route
 * option on each read; metrics, the log line and the stored log all need the template,
 * so it is read once per request.
 */
export function routeUrl(request: FastifyRequest): string {
  if (request.matchedRoute === undefined) request.matchedRoute = request.routeOptions.url ?? '';
  return request.matchedRoute;
}

/**
 * The request's URL with secret query values redacted (`redactUrl`), made once: the log
 * line and the stored log both print it, and redacting a query string runs a regular
 * expression over it.
 */
export function loggedUrl(request: FastifyRequest): string {
  if (request.redactedUrl === undefined) request.redactedUrl = redactUrl(request.url);
  return request.redactedUrl;
}

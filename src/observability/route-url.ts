import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** the matched route's template, read once (see `routeUrl`) */
    matchedRoute: string | undefined;
  }
}

/** Declares the per-request slot `routeUrl` fills, so every request object keeps one shape. */
export function declareRouteUrl(server: FastifyInstance): void {
  server.decorateRequest('matchedRoute', undefined);
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

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringValues } from '../api/request-context.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { ApiError } from '../lib/errors.ts';
import type { RouteDefinition } from './app-routes.ts';

/** A route already on the server: method and Fastify path. */
export interface KnownRoute {
  method: string;
  url: string;
}

/** Records every route added to `server` from now on (call before registering the built-ins). */
export function recordRoutes(server: FastifyInstance): KnownRoute[] {
  const known: KnownRoute[] = [];
  server.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') known.push({ method, url: route.url });
  });
  return known;
}

/**
 * Registers the app's routes after the built-in ones. A route that could answer the
 * same URL as a built-in (or an earlier custom) route is refused with a message naming
 * both, so app code can never shadow part of the PocketBase API by accident. Call it
 * after every built-in route has been registered.
 */
export async function registerAppRoutes(
  server: FastifyInstance,
  routes: readonly RouteDefinition[],
  auth: AuthService,
  builtIn: KnownRoute[],
): Promise<void> {
  // built-in routes inside plugins are added when the plugins load: load them first
  await server.after();
  const taken = builtIn.map((r) => ({ ...r, owner: 'a built-in route' }));
  for (const route of routes) {
    const clash = taken.find((t) => t.method === route.method && pathsOverlap(t.url, route.path));
    if (clash) {
      throw new Error(
        `Custom route ${route.method} ${route.path}${route.source ? ` (added at ${route.source})` : ''} ` +
          `clashes with ${clash.owner} ${clash.method} ${clash.url}; ` +
          'choose another path (app routes usually live outside /api/ or under /api/<your-app>/).',
      );
    }
    taken.push({ method: route.method, url: route.path, owner: 'the custom route' });
    server.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const ctx = auth.contextFor(request.principal, {
          query: stringValues(request.query),
          headers: stringValues(request.headers),
          method: request.method,
          context: 'default',
        });
        checkAccess(route, request, ctx.isSuperuser);
        const result = await route.handler({
          request,
          reply,
          params: stringValues(request.params),
          query: stringValues(request.query),
          body: request.body,
          auth: request.principal,
          isSuperuser: ctx.isSuperuser,
          ctx,
        });
        if (reply.sent) return reply;
        if (result === undefined) return reply.code(204).send();
        return result;
      },
    });
  }
}

function checkAccess(route: RouteDefinition, request: FastifyRequest, isSuperuser: boolean): void {
  if (route.auth === 'guest') return;
  if (!request.principal) throw new ApiError('unauthorized');
  if (route.auth === 'superuser' && !isSuperuser) throw new ApiError('superuser_only');
}

/** True when some URL could match both Fastify paths (parameters and wildcards match any segment). */
export function pathsOverlap(a: string, b: string): boolean {
  return pattern(a).test(sample(b)) || pattern(b).test(sample(a));
}

function pattern(path: string): RegExp {
  const body = trimSlash(path)
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) =>
      part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

function sample(path: string): string {
  return trimSlash(path).replace(/:[A-Za-z0-9_]+|\*/g, 'x0');
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

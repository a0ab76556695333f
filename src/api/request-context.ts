import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthPrincipal, RecordContext } from '../data/records/record-context.ts';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { resolveApiKeyPrincipal, withApiKey } from './basalt-keys-principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller, resolved once per request from the Authorization header */
    principal: AuthPrincipal | null;
  }
}

/** Resolves the caller of every request before its handler runs (the "auth" step of the request line). */
export function registerPrincipal(server: FastifyInstance, services: ApiServices): void {
  server.decorateRequest('principal', null);
  // a callback hook: most requests carry no credentials and then cost no promise at all
  server.addHook('preHandler', (request, _reply, done) => {
    if (!request.headers.authorization && !request.headers['x-api-key']) return done();
    resolvePrincipal(request, services).then(() => done(), done);
  });
}

async function resolvePrincipal(request: FastifyRequest, services: ApiServices): Promise<void> {
  request.principal = await services.auth.resolveToken(request.headers.authorization);
  if (request.principal)
    request.principalLabel = `${request.principal.collection.name}/${request.principal.record.id}`;
  else await resolveApiKeyPrincipal(request, services);
}

/** The records context of a request. */
export function recordContext(request: FastifyRequest, services: ApiServices): RecordContext {
  const ctx = services.auth.contextFor(request.principal, {
    query: stringValues(request.query),
    headers: stringValues(request.headers),
    method: request.method,
    context: 'default',
  });
  return withApiKey(request, ctx);
}

/** Throws 403 unless a superuser is asking (401 when nobody is signed in). */
export function requireSuperuser(request: FastifyRequest, services: ApiServices): void {
  const ctx = services.auth.contextFor(request.principal, {
    query: {},
    headers: {},
    method: '',
    context: '',
  });
  if (ctx.isSuperuser) return;
  if (!request.principal) throw new ApiError('unauthorized');
  throw new ApiError('superuser_only');
}

/** The query string as plain strings (the last value wins for repeated keys). */
export function stringValues(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = String(value[value.length - 1]);
    else if (value !== undefined) out[key] = String(value);
  }
  return out;
}

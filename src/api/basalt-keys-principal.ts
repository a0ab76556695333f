import type { FastifyRequest } from 'fastify';
import type { ApiKey, KeyOperation } from '../auth/api-keys/index.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the API key the request was made with, once it passed its scope check */
    apiKey?: ApiKey;
  }
}

const RECORDS = '/api/collections/:collection/records';
const OPERATIONS: Record<string, KeyOperation> = {
  [`GET ${RECORDS}`]: 'list',
  [`POST ${RECORDS}`]: 'create',
  [`GET ${RECORDS}/:id`]: 'view',
  [`PATCH ${RECORDS}/:id`]: 'update',
  [`DELETE ${RECORDS}/:id`]: 'delete',
};

/** The key secret of a request: `X-API-Key`, or a `Bearer bsk_…` Authorization header. */
function keySecret(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  const auth = request.headers.authorization?.replace(/^Bearer\s+/i, '').trim();
  return auth?.startsWith('bsk_') ? auth : null;
}

/**
 * Resolves an API key and checks its scope before any rule runs: an unknown, revoked
 * or expired key answers 401; a records operation outside the key's scopes answers 403.
 * On any other route a key grants nothing (the caller is a guest there).
 */
export async function resolveApiKeyPrincipal(request: FastifyRequest, services: ApiServices): Promise<void> {
  const secret = keySecret(request);
  if (!secret) return;
  const key = await services.apiKeys.authenticate(secret);
  if (!key) throw new ApiError('unauthorized', 'The API key is unknown, revoked or expired.');
  request.principalLabel = `apikey/${key.id}`;
  const operation = OPERATIONS[`${request.method} ${request.routeOptions.url}`];
  if (!operation) return;
  const params = request.params as { collection: string };
  const collection = services.collections.require(params.collection);
  if (!services.apiKeys.allows(key, collection, operation))
    throw new ApiError(
      'forbidden',
      `The API key "${key.name}" may not ${operation} records of "${collection.name}".`,
    );
  if (!services.apiKeys.readsEverything(key)) refuseReachingOut(request.query as Record<string, unknown>);
  request.apiKey = key;
}

/**
 * A key scoped to some collections acts as a trusted server inside them, so expand and
 * filters or sorts that follow relations or `@collection` could read other collections
 * without any rule: they are refused unless the key may list and view `*`.
 */
function refuseReachingOut(query: Record<string, unknown>): void {
  if (query.expand) throw new ApiError('forbidden', 'Expand needs an API key with list and view on "*".');
  for (const param of ['filter', 'sort']) {
    const text = typeof query[param] === 'string' ? (query[param] as string) : '';
    const bare = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '');
    if (/@collection|@request|[\w]\.[A-Za-z_]/.test(bare))
      throw new ApiError(
        'forbidden',
        `The ${param} reaches other collections (a relation path or @collection); that needs an API key with list and view on "*".`,
      );
  }
}

/** The records context of a request made with a key that passed its scope check: rules are passed. */
export function withApiKey(request: FastifyRequest, ctx: RecordContext): RecordContext {
  return request.apiKey && !ctx.auth ? { ...ctx, isSuperuser: true } : ctx;
}

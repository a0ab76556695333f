import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Collection } from '../../data/collection-types.ts';
import type { RecordRow } from '../../data/records/record-output.ts';
import { ApiError } from '../../lib/errors.ts';
import { isPlainObject } from '../../lib/json.ts';
import type { ApiServices } from '../api-services.ts';
import { answer } from '../records-routes.ts';
import { stringValues } from '../request-context.ts';

/** Route params of every `/api/collections/:collection/...` auth endpoint. */
export type CollectionParams = { collection: string };

/** The auth collection named in the path; 400 for a base or view collection, 404 when missing. */
export function authCollection(services: ApiServices, nameOrId: string): Collection {
  const collection = services.collections.require(nameOrId);
  if (collection.type !== 'auth')
    throw new ApiError('bad_request', `The collection "${collection.name}" is not an auth collection.`);
  return collection;
}

/** The JSON body as an object (anything else counts as empty). */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return isPlainObject(request.body) ? request.body : {};
}

/**
 * Answers a successful first or second factor: the MFA step may turn it into a 401
 * `{mfaId}` (PocketBase's shape); otherwise `{token, record}` as the SDK expects.
 */
export async function authResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  services: ApiServices,
  collection: Collection,
  record: RecordRow,
  method: string,
): Promise<unknown> {
  const body = bodyOf(request);
  const query = request.query as Record<string, unknown>;
  const mfaId = String(query.mfaId ?? body.mfaId ?? '') || undefined;
  const pending = await services.auth.mfaStep(collection, record, method, mfaId);
  if (pending) return reply.code(401).send({ mfaId: pending });
  await services.auth.noteOrigin(collection, record, {
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? ''),
  });
  const principal = { collection, record };
  const ctx = services.auth.contextFor(principal, {
    // the answer's `expand` and `fields` come from the query string
    query: stringValues(request.query),
    headers: {},
    method: 'POST',
    context: method,
  });
  request.principalLabel = `${collection.name}/${record.id}`;
  return {
    token: await services.auth.token(collection, record),
    record: await answer(services, collection, record, ctx),
  };
}

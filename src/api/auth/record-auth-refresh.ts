import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../lib/errors.ts';
import type { ApiServices } from '../api-services.ts';
import { answer } from '../records-routes.ts';
import { recordContext } from '../request-context.ts';
import { authCollection, type CollectionParams } from './record-auth-common.ts';

/** `POST /api/collections/:collection/auth-refresh`: a new token for the signed-in record. */
export function registerAuthRefresh(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>('/api/collections/:collection/auth-refresh', async (request) => {
    const collection = authCollection(services, request.params.collection);
    const principal = request.principal;
    if (!principal) throw new ApiError('unauthorized');
    if (principal.collection.id !== collection.id)
      throw new ApiError('forbidden', 'The token belongs to another collection.');
    // impersonation tokens carry refreshable: false: as PocketBase does, the same token
    // comes back (so it still ends at its own expiry) with the fresh record
    const header = request.headers.authorization ?? '';
    const token = services.auth.isRefreshable(header)
      ? await services.auth.token(collection, principal.record)
      : header.replace(/^Bearer\s+/, '').trim();
    return {
      token,
      record: await answer(services, collection, principal.record, recordContext(request, services)),
    };
  });
}

import type { FastifyInstance } from 'fastify';
import { findAuthRecordById } from '../../auth/auth-lookup.ts';
import { ApiError, invalidField } from '../../lib/errors.ts';
import type { ApiServices } from '../api-services.ts';
import { answer } from '../records-routes.ts';
import { recordContext, requireSuperuser } from '../request-context.ts';
import { authCollection, bodyOf, type CollectionParams } from './record-auth-common.ts';

/**
 * `POST /api/collections/:collection/impersonate/:id` `{duration}` (superusers): a
 * token for another record that cannot be refreshed; `duration` in seconds, 0 for
 * the collection's token duration.
 */
export function registerImpersonate(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams & { id: string } }>(
    '/api/collections/:collection/impersonate/:id',
    async (request) => {
      requireSuperuser(request, services);
      const collection = authCollection(services, request.params.collection);
      const duration = bodyOf(request).duration ?? 0;
      if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 0)
        throw invalidField(
          'duration',
          'validation_min_greater_equal_than_required',
          'Must be a whole number of seconds, 0 or more.',
        );
      const record = await findAuthRecordById(services.db, collection, request.params.id);
      if (!record) throw new ApiError('not_found');
      const token = await services.auth.token(collection, record, {
        refreshable: false,
        durationSeconds: duration,
      });
      return {
        token,
        record: await answer(services, collection, record, recordContext(request, services)),
      };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { ApiError, fieldError } from '../../lib/errors.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, authResponse, bodyOf, type CollectionParams } from './record-auth-common.ts';

/** `POST /api/collections/:collection/auth-with-password` `{identity, password}`. */
export function registerAuthWithPassword(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/auth-with-password',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      const body = bodyOf(request);
      const problems: Record<string, ReturnType<typeof fieldError>> = {};
      if (typeof body.identity !== 'string' || body.identity === '')
        problems.identity = fieldError('validation_required', 'Cannot be blank.');
      if (typeof body.password !== 'string' || body.password === '')
        problems.password = fieldError('validation_required', 'Cannot be blank.');
      if (Object.keys(problems).length)
        throw new ApiError('validation_failed', 'Failed to authenticate.', problems);
      const record = await services.auth.authWithPassword(
        collection,
        body.identity as string,
        body.password as string,
        request.ip,
      );
      return authResponse(request, reply, services, collection, record, 'password');
    },
  );
}

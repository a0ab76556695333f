import type { FastifyInstance } from 'fastify';
import { confirmVerification, requestVerification } from '../../auth/verification-flow.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, bodyOf, type CollectionParams } from './record-auth-common.ts';

/** `POST …/request-verification` `{email}` and `POST …/confirm-verification` `{token}`; both answer 204. */
export function registerVerification(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/request-verification',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await requestVerification(services.auth.deps, collection, bodyOf(request).email);
      return reply.code(204).send();
    },
  );
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/confirm-verification',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await confirmVerification(services.auth.deps, collection, bodyOf(request).token);
      return reply.code(204).send();
    },
  );
}

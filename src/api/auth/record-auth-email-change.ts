import type { FastifyInstance } from 'fastify';
import { confirmEmailChange, requestEmailChange } from '../../auth/email-change-flow.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, bodyOf, type CollectionParams } from './record-auth-common.ts';

/** `POST …/request-email-change` `{newEmail}` (signed in) and `POST …/confirm-email-change` `{token, password}`. */
export function registerEmailChange(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/request-email-change',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await requestEmailChange(services.auth.deps, collection, request.principal, bodyOf(request).newEmail);
      return reply.code(204).send();
    },
  );
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/confirm-email-change',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await confirmEmailChange(services.auth.deps, collection, bodyOf(request));
      return reply.code(204).send();
    },
  );
}

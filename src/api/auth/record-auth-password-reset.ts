import type { FastifyInstance } from 'fastify';
import { confirmPasswordReset, requestPasswordReset } from '../../auth/password-reset-flow.ts';
import type { ApiServices } from '../api-services.ts';
import { authCollection, bodyOf, type CollectionParams } from './record-auth-common.ts';

/** `POST …/request-password-reset` `{email}` and `POST …/confirm-password-reset` `{token, password, passwordConfirm}`. */
export function registerPasswordReset(server: FastifyInstance, services: ApiServices): void {
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/request-password-reset',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await requestPasswordReset(services.auth.deps, collection, bodyOf(request).email);
      return reply.code(204).send();
    },
  );
  server.post<{ Params: CollectionParams }>(
    '/api/collections/:collection/confirm-password-reset',
    async (request, reply) => {
      const collection = authCollection(services, request.params.collection);
      await confirmPasswordReset(services.auth.deps, collection, bodyOf(request));
      return reply.code(204).send();
    },
  );
}

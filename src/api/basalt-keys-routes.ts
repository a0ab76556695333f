import type { FastifyInstance } from 'fastify';
import { parseKeyInput } from '../auth/api-keys/index.ts';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * Basalt's API-key management (superusers only), under Basalt's own prefix:
 * `GET/POST /api/basalt/keys`, `DELETE /api/basalt/keys/{id}`.
 */
export function registerBasaltKeysRoutes(server: FastifyInstance, services: ApiServices): void {
  const { apiKeys, collections } = services;

  server.get('/api/basalt/keys', async (request) => {
    requireSuperuser(request, services);
    const items = await apiKeys.list();
    return { items, totalItems: items.length };
  });

  server.post('/api/basalt/keys', async (request) => {
    requireSuperuser(request, services);
    const input = parseKeyInput(request.body, (nameOrId) => Boolean(collections.registry.find(nameOrId)));
    return apiKeys.create(input);
  });

  server.delete<{ Params: { id: string } }>('/api/basalt/keys/:id', async (request, reply) => {
    requireSuperuser(request, services);
    if (!(await apiKeys.revoke(request.params.id)))
      throw new ApiError('not_found', 'No API key with this id.');
    reply.code(204).send();
  });
}

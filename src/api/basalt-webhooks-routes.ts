import type { FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser, stringValues } from './request-context.ts';

/** `/api/basalt/webhooks` (Basalt extension, superusers): CRUD and the delivery log. */
export function registerBasaltWebhooksRoutes(server: FastifyInstance, services: ApiServices): void {
  type ById = { Params: { id: string } };

  server.get('/api/basalt/webhooks', async (request) => {
    requireSuperuser(request, services);
    const items = await services.webhooks.list();
    return { page: 1, perPage: items.length, totalItems: items.length, totalPages: 1, items };
  });

  server.post('/api/basalt/webhooks', async (request) => {
    requireSuperuser(request, services);
    return services.webhooks.create(request.body);
  });

  server.get<ById>('/api/basalt/webhooks/:id', async (request) => {
    requireSuperuser(request, services);
    const hook = await services.webhooks.get(request.params.id);
    if (!hook) throw new ApiError('not_found');
    return hook;
  });

  server.patch<ById>('/api/basalt/webhooks/:id', async (request) => {
    requireSuperuser(request, services);
    return services.webhooks.update(request.params.id, request.body ?? {});
  });

  server.delete<ById>('/api/basalt/webhooks/:id', async (request, reply) => {
    requireSuperuser(request, services);
    await services.webhooks.delete(request.params.id);
    return reply.code(204).send();
  });

  server.get<ById>('/api/basalt/webhooks/:id/deliveries', async (request) => {
    requireSuperuser(request, services);
    if (!(await services.webhooks.get(request.params.id))) throw new ApiError('not_found');
    const limit = Math.min(Math.max(Number(stringValues(request.query).limit) || 100, 1), 1000);
    return services.webhooks.deliveries(request.params.id, limit);
  });
}

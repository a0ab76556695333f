import type { FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser, stringValues } from './request-context.ts';

/**
 * PocketBase's `/api/crons` (superusers): the list of schedules, and "run now", which
 * answers 204 at once and runs the job in the background as PocketBase does. Basalt
 * adds the run history under `/api/basalt/crons/:id/runs`.
 */
export function registerCronsRoutes(server: FastifyInstance, services: ApiServices): void {
  server.get('/api/crons', async (request) => {
    requireSuperuser(request, services);
    return services.cron.list();
  });

  server.post<{ Params: { id: string } }>('/api/crons/:id', async (request, reply) => {
    requireSuperuser(request, services);
    if (!services.cron.has(request.params.id))
      throw new ApiError('not_found', 'Missing or invalid cron job.');
    void services.cron.runNow(request.params.id).catch(() => {});
    return reply.code(204).send();
  });

  server.get<{ Params: { id: string } }>('/api/basalt/crons/:id/runs', async (request) => {
    requireSuperuser(request, services);
    if (!services.cron.has(request.params.id))
      throw new ApiError('not_found', 'Missing or invalid cron job.');
    const limit = Math.min(Math.max(Number(stringValues(request.query).limit) || 50, 1), 1000);
    return services.cron.history(request.params.id, limit);
  });
}

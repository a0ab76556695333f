import type { FastifyInstance } from 'fastify';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

/** `GET/PATCH /api/settings`, superusers only; secrets never come back in clear. */
export function registerSettingsRoutes(server: FastifyInstance, services: ApiServices): void {
  server.get('/api/settings', async (request) => {
    requireSuperuser(request, services);
    return services.settings.redacted();
  });
  server.patch('/api/settings', async (request) => {
    requireSuperuser(request, services);
    await services.settings.update(request.body ?? {});
    return services.settings.redacted();
  });
}

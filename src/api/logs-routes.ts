import type { FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import type { LogListQuery, Observability } from '../observability/index.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * PocketBase's request log API, superusers only: `GET /api/logs` (filter, sort, page),
 * `GET /api/logs/stats` (hourly counts) and `GET /api/logs/:id`.
 */
export function registerLogsRoutes(
  server: FastifyInstance,
  services: ApiServices,
  observability: Observability,
): void {
  const logs = () => {
    if (!observability.logs) throw new ApiError('unavailable', 'The request log is not open on this server.');
    return observability.logs;
  };
  server.get('/api/logs', async (request) => {
    requireSuperuser(request, services);
    return logs().list(request.query as LogListQuery);
  });
  server.get('/api/logs/stats', async (request) => {
    requireSuperuser(request, services);
    return logs().stats((request.query as { filter?: string }).filter);
  });
  server.get('/api/logs/:id', async (request) => {
    requireSuperuser(request, services);
    return logs().view((request.params as { id: string }).id);
  });
}

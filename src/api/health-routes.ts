import type { FastifyInstance } from 'fastify';
import type { ApiServices } from './api-services.ts';

/** `GET /api/health` as PocketBase answers it. */
export function registerHealthRoutes(server: FastifyInstance, services: ApiServices): void {
  server.route({
    method: ['GET', 'HEAD'],
    url: '/api/health',
    handler: async (_request, reply) => {
      if (!services.isReady()) {
        reply.code(503);
        return { code: 503, message: 'The server is shutting down.', data: {} };
      }
      return { code: 200, message: 'API is healthy.', data: {} };
    },
  });
}

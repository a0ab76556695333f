import type { FastifyInstance } from 'fastify';
import type { ApiServices } from './api-services.ts';
import { registerRecordAuthRoutes } from './auth/index.ts';
import { registerMailRoutes } from './mail-routes.ts';

/**
 * Record auth endpoints (one file per endpoint under `api/auth/`) and the mail
 * endpoints they depend on (test email, dev outbox).
 */
export function registerAuthRoutes(server: FastifyInstance, services: ApiServices): void {
  registerRecordAuthRoutes(server, services);
  registerMailRoutes(server, services);
}

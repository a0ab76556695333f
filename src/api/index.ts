import type { FastifyInstance } from 'fastify';
import type { ApiServices } from './api-services.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerBasaltKeysRoutes } from './basalt-keys-routes.ts';
import { registerBasaltJobsRoutes } from './basalt-jobs-routes.ts';
import { registerBasaltWebhooksRoutes } from './basalt-webhooks-routes.ts';
import { registerBatchRoutes } from './batch-routes.ts';
import { registerCronsRoutes } from './crons-routes.ts';
import { registerCollectionRoutes } from './collections-routes.ts';
import { registerFilesAdminRoutes } from './files-admin-routes.ts';
import { registerFileRoutes } from './files-routes.ts';
import { registerFilesSettingsRoutes } from './files-settings-routes.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { realtimeRedirectPublisher } from './oauth2-realtime-publisher.ts';
import { registerOAuth2Routes } from './oauth2-routes.ts';
import { registerRecordRoutes } from './records-routes.ts';
import { registerS3KeysRoutes } from './s3-keys-routes.ts';
import { registerS3Routes } from './s3-routes.ts';
import { registerPrincipal } from './request-context.ts';
import { registerSettingsRoutes } from './settings-routes.ts';

export type { ApiServices } from './api-services.ts';

/** Registers every built-in route on the server. */
export function registerApi(server: FastifyInstance, services: ApiServices): void {
  registerPrincipal(server, services);
  registerHealthRoutes(server, services);
  registerCollectionRoutes(server, services);
  registerRecordRoutes(server, services);
  registerAuthRoutes(server, services);
  registerBatchRoutes(server, services);
  registerBasaltJobsRoutes(server, services);
  registerCronsRoutes(server, services);
  registerBasaltWebhooksRoutes(server, services);
  registerSettingsRoutes(server, services);
  registerFileRoutes(server, services);
  registerFilesAdminRoutes(server, services);
  registerFilesSettingsRoutes(server, services);
  registerS3Routes(server, services);
  registerS3KeysRoutes(server, services);
  registerBasaltKeysRoutes(server, services);
  registerOAuth2Routes(server, services, services.realtime && realtimeRedirectPublisher(services.realtime));
}

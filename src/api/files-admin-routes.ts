import type { FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import { sweepOrphans } from '../storage/index.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * Superuser storage operations (Basalt extension): usage per collection and per S3
 * bucket (`GET /api/basalt/storage/usage`), and the orphaned-file sweep
 * (`POST /api/basalt/storage/orphans`, `{"dryRun": true}` to only report).
 */
export function registerFilesAdminRoutes(server: FastifyInstance, services: ApiServices): void {
  server.get('/api/basalt/storage/usage', async (request) => {
    requireSuperuser(request, services);
    const collections = [];
    for (const collection of services.collections.registry.all()) {
      if (!collection.fields.some((f) => f.type === 'file')) continue;
      const usage = await services.storage.usage(`${collection.id}/`);
      collections.push({ collection: collection.name, collectionId: collection.id, ...usage });
    }
    const buckets = services.storage.s3 ? await services.storage.s3.store.usage() : [];
    return { collections, buckets };
  });

  server.post('/api/basalt/storage/orphans', async (request) => {
    requireSuperuser(request, services);
    const body = (request.body ?? {}) as { dryRun?: unknown; minAgeSeconds?: unknown };
    const minAge = body.minAgeSeconds === undefined ? 3600 : Number(body.minAgeSeconds);
    if (!Number.isFinite(minAge) || minAge < 0)
      throw new ApiError('bad_request', 'minAgeSeconds must be a number of seconds, 0 or more.');
    return sweepOrphans(services.storage, services.db, services.collections.registry, {
      dryRun: body.dryRun === true,
      minAgeMs: minAge * 1000,
    });
  });
}

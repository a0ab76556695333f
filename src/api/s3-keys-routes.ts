import type { FastifyInstance } from 'fastify';
import { ApiError, fieldError } from '../lib/errors.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

const BUCKET = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|\*)$/;

/**
 * Superuser API for the S3 endpoint's access keys (`/api/basalt/s3/keys`): create
 * (the only answer that shows the secret), list, revoke.
 */
export function registerS3KeysRoutes(server: FastifyInstance, services: ApiServices): void {
  const base = '/api/basalt/s3/keys';
  const keys = () => {
    const s3 = services.storage.s3;
    if (!s3) throw new ApiError('not_found', 'The S3 endpoint is switched off (s3Prefix is off).');
    return s3.keys;
  };

  server.get(base, async (request) => {
    requireSuperuser(request, services);
    return { items: await keys().list() };
  });

  server.post(base, async (request) => {
    requireSuperuser(request, services);
    const body = (request.body ?? {}) as { name?: unknown; buckets?: unknown; readOnly?: unknown };
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const buckets = body.buckets === undefined ? [] : body.buckets;
    const problems: Record<string, ReturnType<typeof fieldError>> = {};
    if (!name || name.length > 100)
      problems.name = fieldError('validation_required', 'A name of 1 to 100 characters is required.');
    if (!Array.isArray(buckets) || !buckets.every((b) => typeof b === 'string' && BUCKET.test(b)))
      problems.buckets = fieldError('validation_invalid_value', 'Must be a list of bucket names (or "*").');
    if (body.readOnly !== undefined && typeof body.readOnly !== 'boolean')
      problems.readOnly = fieldError('validation_invalid_value', 'Must be true or false.');
    if (Object.keys(problems).length)
      throw new ApiError('validation_failed', 'Failed to create the key.', problems);
    return keys().create(name, buckets as string[], body.readOnly === true);
  });

  server.delete<{ Params: { id: string } }>(`${base}/:id`, async (request, reply) => {
    requireSuperuser(request, services);
    if ((await keys().revoke(request.params.id)) === 0) throw new ApiError('not_found');
    return reply.code(204).send();
  });
}

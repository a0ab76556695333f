import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ApiError, fieldError } from '../lib/errors.ts';
import { openStorage, type S3Settings, storageUrlFromS3Settings } from '../storage/index.ts';
import type { ApiServices } from './api-services.ts';
import { requireSuperuser } from './request-context.ts';

/**
 * `POST /api/settings/test/s3` (`pb.settings.testS3(filesystem)`): writes and removes a
 * small object with the saved S3 settings of `storage` (the `s3` section) or `backups`
 * (`backups.s3`), answering 204 or a 400 that says what failed.
 */
export function registerFilesSettingsRoutes(server: FastifyInstance, services: ApiServices): void {
  server.post('/api/settings/test/s3', async (request, reply) => {
    requireSuperuser(request, services);
    const body = (request.body ?? {}) as { filesystem?: unknown };
    const filesystem = body.filesystem ?? 'storage';
    if (filesystem !== 'storage' && filesystem !== 'backups') {
      throw new ApiError('validation_failed', 'Failed to validate the request data.', {
        filesystem: fieldError('validation_in_invalid', 'Must be "storage" or "backups".'),
      });
    }
    const all = services.settings.get() as unknown as Record<string, Record<string, unknown>>;
    const s3 = (filesystem === 'storage' ? all.s3 : all.backups?.s3) as S3Settings | undefined;
    if (!s3?.enabled) throw new ApiError('bad_request', 'S3 storage is not enabled in the settings.');
    const key = `.basalt-test-${Date.now().toString(36)}`;
    try {
      const driver = await openStorage(storageUrlFromS3Settings(s3));
      try {
        await driver.put(key, Readable.from([Buffer.from('basalt s3 test')]));
        await driver.delete(key);
      } finally {
        await driver.close();
      }
    } catch (error) {
      throw new ApiError(
        'bad_request',
        `Failed to initialize the S3 storage. Raw error: ${(error as Error).message}`,
        {},
        { cause: error },
      );
    }
    return reply.code(204).send();
  });
}

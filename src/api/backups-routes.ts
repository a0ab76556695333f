import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  archiveCompression,
  BackupError,
  type BackupService,
  isSafeKey,
  restoreTargets,
} from '../backup/index.ts';
import { ApiError, fieldError } from '../lib/errors.ts';
import { formatDate } from '../lib/time.ts';
import type { ApiServices } from './api-services.ts';
import { fileTokenPrincipal } from './file-token-principal.ts';
import { requireSuperuser, stringValues } from './request-context.ts';

/**
 * Names a client may give a backup. PocketBase's dashboard and SDK ask for `.zip`; the
 * name is only a label: the content is always Basalt's archive format (docs/operations.md).
 */
const NAME = /^[a-z0-9_-]+\.(zip|tar\.zst|tar\.gz|tgz)$/;

/** The backup service and the app restart a restore needs (from the app). */
export interface BackupRouteServices {
  backups: BackupService;
  /** closes the app, runs `between` with everything closed, and serves again */
  restartWith?(between: (reopen: () => Promise<void>) => Promise<void>): Promise<void>;
}

/**
 * PocketBase's `/api/backups`: list, create, upload, download (`?token=`), delete and
 * restore, superusers only, so `pb.backups.*` works unchanged.
 */
export function registerBackupRoutes(
  server: FastifyInstance,
  services: ApiServices & BackupRouteServices,
): void {
  const { backups } = services;
  server.get('/api/backups', async (request) => {
    requireSuperuser(request, services);
    const list = await backups.list().catch(toApi);
    return list.map((b) => ({ key: b.key, size: b.size, modified: formatDate(b.modified) }));
  });
  server.post('/api/backups', async (request, reply) => {
    requireSuperuser(request, services);
    const name = String((request.body as { name?: unknown } | null)?.name ?? '');
    if (name && (!NAME.test(name) || name.length > 150))
      throw new ApiError('validation_failed', 'An error occurred while validating the submitted data.', {
        name: fieldError(
          'validation_match_invalid',
          'Use lowercase letters, digits, _ and -, ending in .zip, .tar.zst or .tar.gz.',
        ),
      });
    if (name && (await backups.list().catch(toApi)).some((b) => b.key === name)) throw nameTaken();
    await backups.create(name || undefined).catch(toApi);
    return reply.code(204).send();
  });
  server.post('/api/backups/upload', async (request, reply) => {
    requireSuperuser(request, services);
    await upload(request, backups);
    return reply.code(204).send();
  });
  server.get<{ Params: { key: string } }>('/api/backups/:key', async (request, reply) => {
    if (
      !(await isSuperuserToken(services, stringValues(request.query).token ?? request.headers.authorization))
    )
      throw new ApiError('forbidden', 'Insufficient permissions to access the resource.');
    return download(reply, backups, request.params.key);
  });
  server.delete<{ Params: { key: string } }>('/api/backups/:key', async (request, reply) => {
    requireSuperuser(request, services);
    await backups.delete(request.params.key).catch(toApi);
    return reply.code(204).send();
  });
  server.post<{ Params: { key: string } }>('/api/backups/:key/restore', async (request, reply) => {
    requireSuperuser(request, services);
    await restore(services, request.params.key, reply);
  });
}

async function restore(services: ApiServices & BackupRouteServices, key: string, reply: FastifyReply) {
  const { backups } = services;
  const targets = restoreTargets(backups.config);
  if (!targets || !services.restartWith)
    throw new ApiError(
      'bad_request',
      'This server cannot restore in place (its database is not a local SQLite file).',
    );
  // verified before answering, so a damaged or foreign archive is refused while nothing changed
  const prepared = await backups.prepareRestore(key).catch(toApi);
  await reply.code(204).send();
  // as PocketBase: answer first, then restart; here the restart happens in-process
  const restartWith = services.restartWith;
  setImmediate(() => {
    restartWith(async (reopen) => {
      const pending = await backups.swap(prepared, targets).catch(async (err) => {
        await prepared.discard();
        await reopen(); // nothing was swapped: serve the data as it was
        throw err;
      });
      try {
        await reopen();
      } catch (err) {
        await pending.rollback();
        await prepared.discard();
        await reopen();
        throw err;
      }
      await pending.commit();
      await prepared.discard();
    }).catch((err) => reply.log.error({ err }, `Restoring ${key} failed; the previous data is being served`));
  });
}

async function upload(request: FastifyRequest, backups: BackupService): Promise<void> {
  if (!request.isMultipart())
    throw new ApiError('bad_request', 'Send the archive as multipart/form-data in the "file" field.');
  const tmp = await mkdtemp(join(backups.config.dir, '.backup-upload-'));
  try {
    let name = '';
    for await (const part of request.parts({ limits: { fileSize: Number.MAX_SAFE_INTEGER } })) {
      if (part.type !== 'file' || part.fieldname !== 'file' || name) continue;
      name = part.filename;
      if (!isSafeKey(name)) throw invalidFile('The file name may use letters, digits, _, - and dots only.');
      await pipeline(part.file, createWriteStream(join(tmp, 'upload')));
    }
    if (!name) throw invalidFile('Cannot be blank.');
    if (!(await isArchive(join(tmp, 'upload'))))
      throw invalidFile(
        'A backup archive is a file made by Basalt (tar + zstd, or tar + gzip before format 2); this file is neither.',
      );
    if ((await backups.list().catch(toApi)).some((b) => b.key === name)) throw nameTaken('file');
    await backups.withStore((store) => store.put(name, join(tmp, 'upload'))).catch(toApi);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function download(reply: FastifyReply, backups: BackupService, key: string) {
  const found = await backups.download(key).catch(toApi);
  if (!found) throw new ApiError('not_found');
  found.stream.on('close', () => void found.close());
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', found.size)
    .header('content-disposition', `attachment; filename="${key}"`)
    .send(found.stream);
}

/** A superuser's auth token, or a superuser's file token (what `pb.files.getToken()` gives). */
async function isSuperuserToken(services: ApiServices, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const principal = await services.auth.resolveToken(token);
  if (principal) return principal.collection.name === '_superusers';
  const fileTokenOwner = await fileTokenPrincipal(services, token);
  return fileTokenOwner?.collection.name === '_superusers';
}

async function isArchive(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return archiveCompression(buffer.subarray(0, bytesRead)) !== null;
  } finally {
    await handle.close();
  }
}

function nameTaken(field = 'name'): ApiError {
  return new ApiError('validation_failed', 'An error occurred while validating the submitted data.', {
    [field]: fieldError(
      'validation_backup_name_exists',
      'The backup file name is invalid or already exists.',
    ),
  });
}

function invalidFile(message: string): ApiError {
  return new ApiError('validation_failed', 'An error occurred while validating the submitted data.', {
    file: fieldError('validation_invalid_file', message),
  });
}

/** Backup failures as PocketBase answers them: 400 with the reason (404 for a missing archive). */
function toApi(err: unknown): never {
  if (!(err instanceof BackupError)) throw err;
  if (err.code === 'backup_not_found') throw new ApiError('not_found', err.message, {}, { cause: err });
  throw new ApiError('bad_request', err.message, {}, { cause: err });
}

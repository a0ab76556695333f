import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Collection, Field } from '../data/collection-types.ts';
import { fileNames } from '../data/fields/field-file.ts';
import { superuserContext } from '../data/records/record-context.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { ApiError } from '../lib/errors.ts';
import {
  DEFAULT_THUMB_SIZES,
  signFileToken,
  sniffType,
  THUMB_SOURCE_TYPES,
  thumbnail,
} from '../storage/index.ts';
import type { ApiServices } from './api-services.ts';
import { fileTokenPrincipal } from './file-token-principal.ts';
import { serveObject } from './files-serve.ts';
import { stringValues } from './request-context.ts';

type Params = { collection: string; recordId: string; filename: string };

/** The files API: downloads with thumbnails and file tokens for protected fields. */
export function registerFileRoutes(server: FastifyInstance, services: ApiServices): void {
  server.post('/api/files/token', async (request) => {
    const principal = request.principal;
    if (!principal) throw new ApiError('unauthorized', 'Missing auth context.');
    const token = await signFileToken(principal.collection, {
      id: String(principal.record.id),
      tokenKey: String(principal.record.tokenKey),
    });
    return { token };
  });

  server.get<{ Params: Params }>('/api/files/:collection/:recordId/:filename', async (request, reply) => {
    const { storage } = services;
    const { recordId, filename } = request.params;
    const collection = services.collections.find(request.params.collection);
    if (!collection) throw new ApiError('not_found');
    const record = await findRecord(services, collection, recordId);
    const field = record && fileFieldOf(collection, record, filename);
    if (!record || !field) throw new ApiError('not_found');
    if (field.protected) await checkProtectedAccess(request, services, collection, recordId);
    const query = stringValues(request.query);
    const original = storage.fileKey(collection.id, recordId, filename);
    let key = original;
    let name = filename;
    const size = query.thumb ?? '';
    const offered =
      DEFAULT_THUMB_SIZES.includes(size) || ((field.thumbs as string[] | null) ?? []).includes(size);
    if (size && offered && (await isImage(services, original))) {
      const thumbKey = storage.thumbKey(collection.id, recordId, filename, size);
      const made = await thumbnail(storage, original, thumbKey, size).catch((error) => {
        request.log.warn({ err: error, thumb: thumbKey }, 'thumbnail failed; serving the original');
        return null;
      });
      if (made) [key, name] = [thumbKey, `${size}_${filename}`];
    }
    return serveObject(request, reply, storage, key, {
      name,
      download: query.download !== undefined && !['', '0', 'false'].includes(query.download),
      cacheControl: field.protected ? 'private, max-age=60' : 'max-age=2592000, stale-while-revalidate=86400',
    });
  });
}

async function findRecord(
  services: ApiServices,
  collection: Collection,
  id: string,
): Promise<RecordRow | null> {
  try {
    return await services.records.view(collection, id, superuserContext());
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function fileFieldOf(collection: Collection, record: RecordRow, filename: string): Field | undefined {
  return collection.fields.find((f) => f.type === 'file' && fileNames(record[f.name]).includes(filename));
}

async function isImage(services: ApiServices, key: string): Promise<boolean> {
  const info = await services.storage.driver.head(key);
  if (!info) return false;
  if (info.contentType) return THUMB_SOURCE_TYPES.includes(info.contentType);
  const object = await services.storage.driver.get(key, { start: 0, end: Math.min(info.size, 4100) - 1 });
  if (!object) return false;
  const { type, stream } = await sniffType(object.body);
  stream.resume();
  return THUMB_SOURCE_TYPES.includes(type);
}

/**
 * A protected file is served only to whoever the record's view rule lets see the
 * record, identified by a file token in `?token=` (404 otherwise, as PocketBase).
 */
async function checkProtectedAccess(
  request: FastifyRequest,
  services: ApiServices,
  collection: Collection,
  recordId: string,
): Promise<void> {
  const token = stringValues(request.query).token ?? '';
  const principal = token ? await fileTokenPrincipal(services, token) : null;
  const ctx = services.auth.contextFor(principal, {
    query: stringValues(request.query),
    headers: stringValues(request.headers),
    method: request.method,
    context: 'protectedFile',
  });
  try {
    await services.records.view(collection, recordId, ctx);
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) throw new ApiError('not_found');
    throw error;
  }
}

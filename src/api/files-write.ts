import type { FastifyRequest } from 'fastify';
import type { Collection } from '../data/collection-types.ts';
import { ApiError } from '../lib/errors.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { RecordUploads } from '../storage/index.ts';
import type { ApiServices } from './api-services.ts';
import { readRecordBody } from './record-body.ts';

/**
 * Runs a record write whose body may carry files: parts stream to storage while the
 * body is read, the write runs with their upload descriptors, and if anything fails
 * the stored files are removed again, so a refused write leaves no file behind.
 * `recordId` is the updated record, or null for a create.
 */
export async function writeWithFiles(
  services: ApiServices,
  request: FastifyRequest,
  collection: Collection,
  recordId: string | null,
  write: (body: Record<string, unknown>) => Promise<RecordRow>,
): Promise<RecordRow> {
  const uploads = new RecordUploads(services.storage, collection, recordId);
  // refuse a declared oversize body before reading a byte of it (the client gets 413 at once)
  const declared = Number(request.headers['content-length'] ?? 0);
  const bodyLimit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  if (request.isMultipart() && declared > uploads.maxBodySize(bodyLimit)) {
    request.raw.headers.connection = 'close';
    throw new ApiError(
      'payload_too_large',
      "Request entity too large: the body exceeds what the collection's file fields allow.",
    );
  }
  let row: RecordRow;
  try {
    const body = await uploads.settle(await readRecordBody(request, uploads));
    row = await write(body);
  } catch (error) {
    await uploads.discard();
    throw error;
  }
  await uploads.finish(String(row.id));
  return row;
}

import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FileUpload } from '../data/fields/field-file.ts';
import { ApiError, fieldError } from '../lib/errors.ts';
import { isPlainObject } from '../lib/json.ts';

/**
 * Where file parts go: streamed to storage as they arrive (see storage's RecordUploads),
 * or, for a batch, set aside until the items are known (batch-files.ts).
 */
export interface FileSink {
  /** takes one part; null when it does not go in the body (not for a file field, or set aside) */
  accept(field: string, filename: string, stream: Readable): Promise<FileUpload | null>;
  /** the largest file any field accepts, so the parser can stop a runaway part */
  readonly maxFileSize: number;
}

/**
 * Reads a record write body: a JSON object, or multipart form data whose plain fields
 * are strings and whose `@jsonPayload` field holds a JSON object merged over them
 * (what the SDK sends when a body mixes files and JSON values). File parts go to
 * `files` and appear in the body as upload descriptors; without a sink they are refused.
 */
export async function readRecordBody(
  request: FastifyRequest,
  files?: FileSink,
): Promise<Record<string, unknown>> {
  if (!request.isMultipart()) {
    if (request.body === undefined || request.body === null) return {};
    if (!isPlainObject(request.body))
      throw new ApiError('validation_failed', 'The request body must be a JSON object.');
    return request.body;
  }
  const body: Record<string, unknown> = {};
  let payload: Record<string, unknown> = {};
  // multipart is streamed past Fastify's bodyLimit, and busboy truncates an oversized field silently
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  let size = 0;
  for await (const part of multipartParts(request, files)) {
    if (part.type === 'field') size += String(part.value).length;
    if (size > limit || (part.type === 'field' && part.valueTruncated))
      throw new ApiError('payload_too_large');
    if (part.type === 'file' && files) {
      const upload = await files.accept(part.fieldname, part.filename, part.file);
      if (upload) append(body, part.fieldname, upload);
      continue;
    }
    if (part.type === 'file') {
      part.file.resume();
      throw new ApiError('validation_failed', 'Failed to read the submitted data.', {
        [part.fieldname]: fieldError(
          'validation_file_storage_unavailable',
          'File uploads are not available yet on this server.',
        ),
      });
    }
    const value = String(part.value);
    if (part.fieldname === '@jsonPayload') {
      payload = { ...payload, ...parsePayload(value) };
    } else append(body, part.fieldname, value);
  }
  return { ...body, ...payload };
}

/** Repeated form keys collect into a list, as PocketBase reads them. */
function append(body: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in body)) body[key] = value;
  else {
    const existing = body[key];
    body[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
}

/** The parts, with a cut-short or malformed body answered as a 400 instead of a 500. */
async function* multipartParts(request: FastifyRequest, files?: FileSink) {
  try {
    // a little over the largest field limit, so storage sees the overflow first and names the field
    yield* request.parts(files ? { limits: { fileSize: files.maxFileSize + 65536 } } : undefined);
  } catch (error) {
    if (error instanceof ApiError || (error as { statusCode?: number }).statusCode) throw error;
    throw new ApiError(
      'bad_request',
      'The multipart/form-data body is malformed or cut short.',
      {},
      { cause: error },
    );
  }
}

function parsePayload(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text);
    if (isPlainObject(parsed)) return parsed;
  } catch {}
  throw new ApiError('validation_failed', 'Failed to read the submitted data.', {
    '@jsonPayload': fieldError('validation_invalid_json', 'Must be a JSON object.'),
  });
}

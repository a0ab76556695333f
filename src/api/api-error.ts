import type { FastifyError } from 'fastify';
import { DbError } from '../db/driver.ts';
import { ApiError } from '../lib/errors.ts';

// Fastify's own error codes → our catalogue, so every answer has PocketBase's shape.
const FASTIFY_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ApiError('invalid_json'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new ApiError('invalid_json', 'The request body is empty but its content type is JSON.'),
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new ApiError('payload_too_large', 'Request entity too large: the body exceeds the configured limit.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError(
      'unsupported_media_type',
      'Unsupported content type: send application/json or multipart/form-data.',
    ),
  FST_REQ_FILE_TOO_LARGE: () => new ApiError('payload_too_large', 'An uploaded file exceeds the size limit.'),
  FST_FILES_LIMIT: () => new ApiError('payload_too_large', 'Too many files in one request.'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () =>
    new ApiError('bad_request', 'The request is not multipart/form-data.'),
};

/** Turns any thrown value into an `ApiError`; unknown failures become a 500 whose cause is logged, never sent. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DbError && error.code === 'busy') {
    return new ApiError('unavailable', 'The database is busy; retry the request.', {}, { cause: error });
  }
  const fastifyError = error as FastifyError;
  const known = fastifyError?.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return known();
  if (error instanceof SyntaxError && (fastifyError.statusCode ?? 0) === 400)
    return new ApiError('invalid_json');
  const status = fastifyError?.statusCode;
  if (status === 413) return new ApiError('payload_too_large');
  if (status && status >= 400 && status < 500) {
    return new ApiError('bad_request', fastifyError.message, {}, { cause: error });
  }
  return new ApiError('internal', undefined, {}, { cause: error });
}

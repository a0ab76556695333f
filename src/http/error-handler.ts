import type { FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from '../api/api-error.ts';
import { ApiError } from '../lib/errors.ts';

/** Fastify error handler: logs server-side failures with the request id, answers the PocketBase shape. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  if (apiError.status >= 500) {
    request.log.error({ err: apiError.cause ?? error }, 'request failed');
  }
  reply.code(apiError.status).send(apiError.toJSON());
}

/** 404 for unknown routes, in the same shape. */
export function handleNotFound(_request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send(new ApiError('not_found').toJSON());
}

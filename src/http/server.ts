import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../lib/errors.ts';
import { handleError, handleNotFound } from './error-handler.ts';
import { lazyRequestLogger } from './request-logger.ts';

export interface HttpServerOptions {
  logger: Logger;
  bodyLimit: number;
  requestTimeoutMs: number;
  trustProxy: boolean | string[];
  /** CORS: allowed origins, `['*']` for any */
  origins: string[];
  /**
   * Called first in every request's `onRequest` step (metrics count requests in flight
   * with it): one more call there costs far less than one more hook.
   */
  onRequestStart?: ((request: FastifyRequest) => void) | null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Builds the Fastify instance with the cross-cutting parts every route shares:
 * request ids, PocketBase error shapes, body limits, JSON
 * and multipart parsing. Routes are registered on it by `api/`.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const server: FastifyInstance = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.bodyLimit,
    requestTimeout: options.requestTimeoutMs,
    trustProxy: options.trustProxy,
    // draining answers 503 in the PocketBase shape (the onRequest hook below), not Fastify's own body
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // URLs the router rejects before any route: a too-long id is just not found; bad encoding is a 400
    frameworkErrors: (error, request, reply) =>
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? handleNotFound(request, reply)
        : handleError(error, request, reply),
    clientErrorHandler: answerClientError,
  });

  acceptJsonWithEmptyBody(server);
  await server.register(cors, {
    origin: options.origins.includes('*') ? '*' : options.origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposedHeaders: ['x-request-id'],
    maxAge: 86400,
  });
  await server.register(multipart, {
    limits: { fileSize: options.bodyLimit, fieldSize: options.bodyLimit, files: 1000, fields: 10000 },
  });

  // the hooks below run on every request, so they take callbacks: an async hook costs a
  // promise and a microtask each time
  let closing = false;
  server.addHook('preClose', async () => {
    closing = true;
  });
  const onRequestStart = options.onRequestStart ?? null;
  server.addHook('onRequest', (request, reply, done) => {
    onRequestStart?.(request);
    reply.header('x-request-id', request.id);
    // a request on a connection that was busy when shutdown began (Fastify adds Connection: close)
    if (!closing) return done();
    reply
      .code(503)
      .send(new ApiError('unavailable', 'The server is shutting down; retry the request.').toJSON());
  });
  // Responses finished during shutdown close their connection, so a keep-alive socket that
  // was busy when close() began does not hold the process open until its idle timeout.
  server.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  server.decorateRequest('principalLabel', undefined);
  server.setErrorHandler(handleError);
  server.setNotFoundHandler(handleNotFound);
  return server;
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (URL or headers over
 * the size limit, a request that took too long) still get the PocketBase shape.
 */
function answerClientError(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) return void socket.destroy();
  const kind =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'bad_request';
  const apiError = new ApiError(kind);
  const body = JSON.stringify(apiError.toJSON());
  socket.end(
    `HTTP/1.1 ${apiError.status} ${kind.replaceAll('_', ' ')}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The SDK sends `Content-Type: application/json` on body-less requests such as DELETE;
 * an empty body is then "no body", not an error.
 */
function acceptJsonWithEmptyBody(server: FastifyInstance): void {
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const parseError = error as Error & { statusCode?: number };
      parseError.statusCode = 400;
      done(parseError, undefined);
    }
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** who is asking, for the request log line (set by the auth step) */
    principalLabel: string | undefined;
  }
}

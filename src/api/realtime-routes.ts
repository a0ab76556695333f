import type { FastifyInstance } from 'fastify';
import { isPlainObject } from '../lib/json.ts';
import { ApiError, fieldError } from '../lib/errors.ts';
import { type RealtimeService, sseTransport } from '../realtime/index.ts';

/**
 * PocketBase's realtime API: `GET /api/realtime` opens an SSE stream that starts with
 * `PB_CONNECT {clientId}`; `POST /api/realtime` sets that client's subscriptions and
 * binds the caller's auth to it. Shutdown closes every stream first, so open streams
 * never hold the server's graceful close.
 */
export function registerRealtimeRoutes(server: FastifyInstance, realtime: RealtimeService): void {
  server.addHook('preClose', async () => {
    await realtime.close();
  });

  server.get('/api/realtime', (request, reply) => {
    if (realtime.closed)
      throw new ApiError('unavailable', 'The server is shutting down; reconnect in a moment.');
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      // nginx would otherwise buffer the stream
      'x-accel-buffering': 'no',
      // the socket ends with the stream: kept alive, it would hold a graceful shutdown
      connection: 'close',
    });
    let id = '';
    const client = realtime.connect(sseTransport(response, () => id));
    id = client.id;
    client.ip = request.ip;
    request.raw.socket.setNoDelay(true);
    response.on('close', () => realtime.disconnect(client));
    client.transport.send('PB_CONNECT', JSON.stringify({ clientId: client.id }), false);
  });

  server.post('/api/realtime', async (request, reply) => {
    const { clientId, subscriptions } = readForm(request.body);
    // as PocketBase: a guessed client id is of no use from another address
    const client = realtime.client(clientId);
    if (client?.ip && client.ip !== request.ip) throw new ApiError('bad_request', 'Invalid realtime client.');
    realtime.setSubscriptions(clientId, subscriptions, request.principal);
    return reply.code(204).send();
  });
}

/** The form PocketBase accepts: clientId 1–255 chars, at most 1000 subscriptions of ≤2500 chars. */
function readForm(body: unknown): { clientId: string; subscriptions: string[] } {
  const form = isPlainObject(body) ? body : {};
  const problems: Record<string, ReturnType<typeof fieldError>> = {};
  const clientId = form.clientId;
  if (typeof clientId !== 'string' || clientId === '')
    problems.clientId = fieldError('validation_required', 'Cannot be blank.');
  else if (clientId.length > 255)
    problems.clientId = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
  const subscriptions = form.subscriptions ?? [];
  if (!Array.isArray(subscriptions) || subscriptions.some((s) => typeof s !== 'string'))
    problems.subscriptions = fieldError('validation_invalid_value', 'Must be a list of strings.');
  else if (subscriptions.length > 1000)
    problems.subscriptions = fieldError(
      'validation_length_too_long',
      'The length must be no more than 1000.',
    );
  else if (subscriptions.some((s: string) => s.length > 2500 || /[\r\n]/.test(s)))
    problems.subscriptions = fieldError(
      'validation_invalid_value',
      'Each subscription must be at most 2500 characters, on one line.',
    );
  if (Object.keys(problems).length) throw new ApiError('validation_failed', undefined, problems);
  return { clientId: clientId as string, subscriptions: subscriptions as string[] };
}

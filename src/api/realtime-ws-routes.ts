import type { FastifyInstance } from 'fastify';
import { isPlainObject } from '../lib/json.ts';
import { type RealtimeClient, type RealtimeService, type WsSocket, wsTransport } from '../realtime/index.ts';
import type { AuthService } from '../auth/auth-service.ts';

/** The socket as @fastify/websocket hands it over, typed by the members used here. */
type Socket = WsSocket & {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
};

/**
 * `GET /api/basalt/realtime/ws` (Basalt extension): the realtime topics, options and
 * rules of the SSE API over one WebSocket. Client messages are JSON:
 * `{type: "subscribe"|"unsubscribe", topics: [...]}` and `{type: "auth", token}`;
 * each is answered with `{type: "ok", op, topics}` or `{type: "error", message}`.
 */
export async function registerRealtimeWsRoutes(
  server: FastifyInstance,
  auth: Pick<AuthService, 'resolveToken'>,
  realtime: RealtimeService,
): Promise<void> {
  const { default: websocket } = await import('@fastify/websocket');
  // registered inside its own scope: the plugin's per-request hooks then run for this
  // route only, not for every request the server answers
  await server.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: 1 << 20 } });
    scope.get('/api/basalt/realtime/ws', { websocket: true }, (raw, request) => {
      const socket = raw as unknown as Socket;
      const client = realtime.connect(wsTransport(socket));
      realtime.setAuth(client, request.principal);
      socket.on('close', () => realtime.disconnect(client));
      socket.on('message', (data, isBinary) => {
        handle(auth, realtime, client, isBinary ? null : data.toString())
          .then((answer) => reply(socket, answer))
          .catch((error: Error) => reply(socket, { type: 'error', message: error.message }));
      });
      reply(socket, { type: 'connect', clientId: client.id });
    });
  });
}

async function handle(
  auth: Pick<AuthService, 'resolveToken'>,
  realtime: RealtimeService,
  client: RealtimeClient,
  text: string | null,
): Promise<object> {
  let message: unknown = null;
  try {
    message = text === null ? null : JSON.parse(text);
  } catch {}
  if (!isPlainObject(message)) throw new Error('Messages must be JSON objects with a "type".');
  const topics = Array.isArray(message.topics) ? message.topics.filter((t) => typeof t === 'string') : [];
  if (topics.length > 1000 || topics.some((t) => t.length > 2500 || /[\r\n]/.test(t)))
    throw new Error('At most 1000 topics of at most 2500 characters each, on one line.');
  const current = [...client.subscriptions.keys()];
  switch (message.type) {
    case 'subscribe':
      realtime.setSubscriptions(client.id, [...new Set([...current, ...topics])], client.auth);
      break;
    case 'unsubscribe':
      realtime.setSubscriptions(
        client.id,
        message.topics === undefined ? [] : current.filter((k) => !topics.includes(k)),
        client.auth,
      );
      break;
    case 'auth': {
      const token = typeof message.token === 'string' ? message.token : '';
      const principal = await auth.resolveToken(token);
      if (!principal) throw new Error('The token is invalid or expired; sign in again.');
      realtime.setAuth(client, principal);
      break;
    }
    default:
      throw new Error(
        `Unknown message type ${JSON.stringify(message.type)}: use subscribe, unsubscribe or auth.`,
      );
  }
  return { type: 'ok', op: message.type, topics: [...client.subscriptions.keys()] };
}

function reply(socket: Socket, body: object): void {
  if (socket.readyState === 1) socket.send(JSON.stringify(body));
}

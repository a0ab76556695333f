import type { ClientTransport } from './realtime-client.ts';

/** The few members of a `ws` WebSocket this transport uses. */
export interface WsSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

const OPEN = 1;

/**
 * Realtime over a WebSocket (Basalt's extension): one JSON text frame per message,
 * `{topic, action, record}` for record events and `{topic, data}` for the others.
 * Heartbeats are WebSocket pings.
 */
export function wsTransport(socket: WsSocket): ClientTransport {
  let closed = false;
  const write = (text: string): number => {
    if (closed || socket.readyState !== OPEN) return 0;
    socket.send(text);
    return socket.bufferedAmount;
  };
  return {
    send(name, json, isRecord) {
      const topic = `{"topic":${JSON.stringify(name)},`;
      // a record event's object gains a topic key; other data is wrapped as {topic, data}
      return write(isRecord ? topic + json.slice(1) : `${topic}"data":${json}}`);
    },
    heartbeat() {
      if (closed || socket.readyState !== OPEN) return 0;
      socket.ping();
      return socket.bufferedAmount;
    },
    close() {
      if (closed) return;
      closed = true;
      // a peer that stopped reading would never complete a closing handshake
      if (socket.bufferedAmount > 0) socket.terminate();
      else socket.close(1000, 'closed');
    },
  };
}

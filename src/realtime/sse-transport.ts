import type { ServerResponse } from 'node:http';
import type { ClientTransport } from './realtime-client.ts';

/**
 * Server-sent events on a raw HTTP response, framed as PocketBase frames them: every
 * message carries the client id as its event id. Writes never wait; the answer is
 * what the response and its socket still hold unsent.
 */
export function sseTransport(response: ServerResponse, clientId: () => string): ClientTransport {
  let closed = false;
  const write = (frame: string): number => {
    if (closed || response.destroyed) return 0;
    response.write(frame);
    return response.writableLength;
  };
  return {
    send(name, json) {
      return write(`id:${clientId()}\nevent:${name}\ndata:${json}\n\n`);
    },
    heartbeat() {
      return write(':\n\n');
    },
    close() {
      if (closed) return;
      closed = true;
      // a client cut off for not reading would never drain an orderly end: drop the socket
      if (response.writableLength > 0) response.destroy();
      else response.end();
    },
  };
}

import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsService } from './metrics-service.ts';
import { routeUrl } from './request-facts.ts';

/** What one connection has counted in and not yet out. */
interface ConnectionCount {
  requests: number;
  realtime: number;
  /** the connection closed: what it still had open was counted out then */
  closed: boolean;
}

const COUNT = Symbol('basalt.openRequests');

declare module 'fastify' {
  interface FastifyRequest {
    /** the count of the connection this request was counted in on, until it is counted out */
    countedOn: ConnectionCount | null;
  }
}

/**
 * Requests being answered now (`http_requests_in_flight`) and open realtime SSE
 * connections (`realtime_connections`, each one long request to `/api/realtime`), as
 * plain counts read at scrape time.
 *
 * A request is counted in by the HTTP server's first step (`start`, see
 * `HttpServerOptions.onRequestStart`) and out by the response hook (`end`). A client
 * that goes away mid-request gets no response, so Fastify never runs that hook for it:
 * its connection's close counts out whatever it still had open. That takes one listener
 * per connection, where Fastify's `onRequestAbort` would add a hook step and a closure
 * and listener to every request, about 1% of a record view.
 */
export class OpenRequests {
  #requests = 0;
  #realtime = 0;

  constructor(metrics: MetricsService) {
    metrics.gauge({
      name: 'http_requests_in_flight',
      help: 'Requests being answered now.',
      collect: (g) => g.set(this.#requests),
    });
    metrics.gauge({
      name: 'realtime_connections',
      help: 'Open realtime (SSE) connections.',
      collect: (g) => g.set(this.#realtime),
    });
  }

  /** Declares the request's slot, so every request object keeps one shape. */
  declareOn(server: FastifyInstance): void {
    server.decorateRequest('countedOn', null);
  }

  /** Counts a request in (once, when it starts). */
  readonly start = (request: FastifyRequest): void => {
    const count = this.#countOf(request.raw.socket as ConnectionSocket);
    request.countedOn = count;
    count.requests++;
    this.#requests++;
    if (isRealtime(request)) {
      count.realtime++;
      this.#realtime++;
    }
  };

  /** Counts a request out once it is answered; one its connection already counted out is left. */
  end(request: FastifyRequest): void {
    const count = request.countedOn;
    if (!count) return;
    request.countedOn = null;
    if (count.closed) return;
    count.requests--;
    this.#requests--;
    if (isRealtime(request)) {
      count.realtime--;
      this.#realtime--;
    }
  }

  /** The connection's count, made with its close listener on the connection's first request. */
  #countOf(socket: ConnectionSocket): ConnectionCount {
    let count = socket[COUNT];
    if (count === undefined) {
      const made: ConnectionCount = { requests: 0, realtime: 0, closed: false };
      socket[COUNT] = made;
      socket.once('close', () => this.#closed(made));
      count = made;
    }
    return count;
  }

  #closed(count: ConnectionCount): void {
    count.closed = true;
    this.#requests -= count.requests;
    this.#realtime -= count.realtime;
  }
}

type ConnectionSocket = Socket & { [COUNT]?: ConnectionCount };

function isRealtime(request: FastifyRequest): boolean {
  return request.method === 'GET' && routeUrl(request) === '/api/realtime';
}

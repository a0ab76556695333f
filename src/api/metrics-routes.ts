import type { FastifyInstance } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import type { Observability } from '../observability/index.ts';

/** What the metrics and probe routes need. */
export interface ProbeServices {
  observability: Observability;
  /** false while draining for shutdown */
  isReady(): boolean;
}

/**
 * `GET /metrics` (Prometheus text, for a bearer token or an allowed address),
 * `GET /api/basalt/live` (the process answers) and `GET /api/basalt/ready` (every
 * configured engine answers in time and the server is not draining).
 */
export function registerMetricsRoutes(server: FastifyInstance, services: ProbeServices): void {
  const { observability } = services;
  server.get('/metrics', async (request, reply) => {
    if (!observability.metricsEnabled)
      throw new ApiError('not_found', 'Metrics are turned off on this server (--metrics=false).');
    if (!observability.canScrape(request.ip, request.headers.authorization))
      throw new ApiError(
        'forbidden',
        'Metrics are open to the addresses in --metrics-allow or to a bearer token matching --metrics-token.',
      );
    const text = await observability.metrics.text();
    return reply.header('content-type', observability.metrics.contentType).send(text);
  });
  server.route({
    method: ['GET', 'HEAD'],
    url: '/api/basalt/live',
    handler: async () => ({ status: 'live' }),
  });
  server.route({
    method: ['GET', 'HEAD'],
    url: '/api/basalt/ready',
    handler: async (_request, reply) => {
      const draining = () => {
        reply.code(503);
        return { status: 'draining', checks: [] };
      };
      if (!services.isReady()) return draining();
      const { ok, checks } = await observability.readiness.run();
      // shutdown may have begun while the checks ran; a load balancer must stop sending now
      if (!services.isReady()) return draining();
      reply.code(ok ? 200 : 503);
      return { status: ok ? 'ready' : 'not_ready', checks };
    },
  });
}

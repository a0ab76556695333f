import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MetricsService } from './metrics-service.ts';
import { redactUrl } from './redact.ts';
import type { RequestLogStore } from './request-log-store.ts';
import type { LogsSettings } from './logs-settings.ts';
import type { Tracing } from './tracing.ts';

/** What HTTP instrumentation feeds: metrics always, spans and stored logs when present. */
export interface HttpInstrumentOptions {
  /** null when metrics are off */
  metrics: MetricsService | null;
  tracing: Tracing;
  requestLogs: RequestLogStore | null;
  logsSettings: () => LogsSettings;
}

// probes and scrapes would drown the request log; they are still counted in metrics
const NOT_STORED = new Set(['/metrics', '/api/basalt/live', '/api/basalt/ready', '/api/health']);

/**
 * Adds request metrics by route template, method and status, an HTTP server span per
 * request (when tracing is on) whose trace id joins every log line of the request,
 * and the stored request log entry. All work happens after the response is sent.
 */
export function instrumentHttp(server: FastifyInstance, options: HttpInstrumentOptions): void {
  const observe = options.metrics ? requestMetrics(options.metrics) : null;
  if (options.metrics) countOpenRequests(server, options.metrics);
  if (options.tracing.enabled) traceRequests(server, options.tracing);
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    observe?.(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (
      options.requestLogs &&
      !NOT_STORED.has(route) &&
      !(route.startsWith('/api/logs') && reply.statusCode < 400)
    )
      options.requestLogs.add(requestLogEntry(request, reply, options.logsSettings()));
  });
}

function requestMetrics(metrics: MetricsService) {
  const total = metrics.counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status.',
    labels: ['method', 'route', 'status'],
  });
  const duration = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template, method and status.',
    labels: ['method', 'route', 'status'],
  });
  // label lookups hash their values; one child per combination keeps the hot path to two adds
  const children = new Map<
    string,
    { count: ReturnType<typeof total.labels>; time: ReturnType<typeof duration.labels> }
  >();
  return (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = { count: total.labels(labels), time: duration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  };
}

/**
 * Requests being answered right now, and open realtime (SSE) connections: a realtime
 * subscription is one long request to `/api/realtime`, so in-flight counting covers it.
 */
function countOpenRequests(server: FastifyInstance, metrics: MetricsService): void {
  const inFlight = metrics.gauge({ name: 'http_requests_in_flight', help: 'Requests being answered now.' });
  const realtime = metrics.gauge({ name: 'realtime_connections', help: 'Open realtime (SSE) connections.' });
  const isRealtime = (request: FastifyRequest) =>
    request.method === 'GET' && request.routeOptions.url === '/api/realtime';
  // an aborted request may reach both hooks below; it is counted down once
  const open = new WeakSet<FastifyRequest>();
  server.addHook('onRequest', async (request) => {
    open.add(request);
    inFlight.inc();
    if (isRealtime(request)) realtime.inc();
  });
  const done = async (request: FastifyRequest) => {
    if (!open.delete(request)) return;
    inFlight.dec();
    if (isRealtime(request)) realtime.dec();
  };
  server.addHook('onResponse', done);
  server.addHook('onRequestAbort', done);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the request's server span while tracing is on */
    otelSpan: Span | null;
  }
}

function traceRequests(server: FastifyInstance, tracing: Tracing): void {
  const tracer = tracing.tracer;
  if (!tracer) return;
  server.decorateRequest('otelSpan', null);
  server.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
        },
      },
      parent,
    );
    request.otelSpan = span;
    request.log = request.log.child({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
    });
    // the rest of the request runs inside this context, so database spans become children
    context.with(trace.setSpan(parent, span), done);
  });
  server.addHook('onResponse', async (request, reply) => endSpan(request, reply));
}

function endSpan(request: FastifyRequest, reply: FastifyReply): void {
  const span = request.otelSpan;
  if (!span) return;
  const route = request.routeOptions.url;
  if (route) span.updateName(`${request.method} ${route}`);
  span.setAttributes({
    'http.route': route ?? '',
    'http.response.status_code': reply.statusCode,
    'basalt.request_id': request.id,
  });
  if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function requestLogEntry(request: FastifyRequest, reply: FastifyReply, settings: LogsSettings) {
  const url = redactUrl(request.url).slice(0, 3000);
  const label = (request as { principalLabel?: string }).principalLabel;
  const [auth = '', authId = ''] = label ? label.split('/') : [];
  const data: Record<string, unknown> = {
    type: 'request',
    execTime: Math.round(reply.elapsedTime * 1000) / 1000,
    url,
    method: request.method,
    status: reply.statusCode,
    referer: redactUrl(header(request, 'referer')),
    userAgent: header(request, 'user-agent'),
    auth,
    requestId: request.id,
  };
  if (settings.logAuthId && authId) data.authId = authId;
  if (settings.logIP) {
    data.userIP = request.ip;
    data.remoteIP = request.socket.remoteAddress ?? '';
  }
  if (request.otelSpan) data.traceId = request.otelSpan.spanContext().traceId;
  let path = url;
  try {
    path = decodeURI(url);
  } catch {}
  return { level: reply.statusCode >= 400 ? 8 : 0, message: `${request.method} ${path}`, data };
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : (value ?? '')).slice(0, 2000);
}

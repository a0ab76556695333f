import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { accessLog } from './access-log.ts';
import type { HistogramSeries } from './fast-histogram.ts';
import type { LogsSettings } from './logs-settings.ts';
import type { MetricsService } from './metrics-service.ts';
import type { OpenRequests } from './open-requests.ts';
import { redactUrl } from './redact.ts';
import {
  declareRequestFacts,
  loggedUrl,
  quotedIp,
  quotedPrincipal,
  quotedUrl,
  routeUrl,
} from './request-facts.ts';
import { quoteHeader, requestLevel, STORED_URL_LENGTH } from './request-log-row.ts';
import type { RequestLogStore } from './request-log-store.ts';
import type { Tracing } from './tracing.ts';

/** What HTTP instrumentation feeds: metrics always, spans and stored logs when present. */
export interface HttpInstrumentOptions {
  /** null when metrics are off */
  metrics: MetricsService | null;
  /** the in-flight counts (counted in by the server's first step), null when metrics are off */
  open: OpenRequests | null;
  tracing: Tracing;
  requestLogs: RequestLogStore | null;
  logsSettings: () => LogsSettings;
  /** the process logger, for the one access line per request */
  logger: Logger;
}

// probes and scrapes would drown the request log; they are still counted in metrics
const NOT_STORED = new Set(['/metrics', '/api/basalt/live', '/api/basalt/ready', '/api/health']);

/**
 * Adds the access line, request metrics by route template, method and status, an HTTP
 * server span per request (when tracing is on) whose trace id joins every log line of
 * the request, and the stored request log entry. All work happens after the response
 * is sent, in one hook: each hook Fastify runs costs a call chain of its own.
 */
export function instrumentHttp(server: FastifyInstance, options: HttpInstrumentOptions): void {
  declareRequestFacts(server);
  const observe = options.metrics ? requestMetrics(options.metrics) : null;
  const open = options.open;
  open?.declareOn(server);
  options.tracing.traceRequests(server);
  const store = options.requestLogs;
  const logRequest = accessLog(options.logger);
  server.addHook('onResponse', (request, reply, done) => {
    const matched = routeUrl(request);
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    logRequest(request, matched, status, ms);
    open?.end(request);
    const route = matched || 'unmatched';
    observe?.(request.method, route, status, ms / 1000);
    const level = requestLevel(status);
    // what is never stored (probes, scrapes) is ruled out first: it must not use up the rate bound
    if (store && isStored(route, status) && store.accepts(level))
      storeRequest(store, request, level, status, ms, options);
    done();
  });
}

function isStored(route: string, status: number): boolean {
  return !NOT_STORED.has(route) && !(status < 400 && route.startsWith('/api/logs'));
}

function requestMetrics(metrics: MetricsService) {
  const duration = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template, method and status.',
    labels: ['method', 'route', 'status'],
  });
  metrics.countOf(
    { name: 'http_requests_total', help: 'HTTP requests answered, by route template, method and status.' },
    duration,
  );
  // The series of each combination is resolved once, in maps keyed by the route template,
  // the status and the method as they come: a joined key would be a new string to build
  // and hash on every request.
  const byRoute = new Map<string, Map<number, Map<string, HistogramSeries>>>();
  return (method: string, route: string, status: number, seconds: number) => {
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let byMethod = byStatus.get(status);
    if (!byMethod) {
      byMethod = new Map();
      byStatus.set(status, byMethod);
    }
    let found = byMethod.get(method);
    if (!found) {
      found = duration.series({ method, route, status: String(status) });
      byMethod.set(method, found);
    }
    duration.observe(found, seconds);
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the request's server span while tracing is on */
    otelSpan: Span | null;
  }
}

function storeRequest(
  store: RequestLogStore,
  request: FastifyRequest,
  level: number,
  status: number,
  ms: number,
  options: HttpInstrumentOptions,
): void {
  const settings = options.logsSettings();
  const url = loggedUrl(request);
  const referer = header(request, 'referer');
  const ip = settings.logIP ? quotedIp(request) : '';
  // the facts, quoted (the URL, IP and caller once per request, shared with the access line); the data
  // JSON and the message are made where the batch is written
  store.addRequest(level, {
    method: request.method,
    url:
      url.length <= STORED_URL_LENGTH ? quotedUrl(request) : JSON.stringify(url.slice(0, STORED_URL_LENGTH)),
    status,
    ms,
    referer: referer === '' ? '""' : quoteHeader(redactUrl(referer)),
    userAgent: quoteHeader(header(request, 'user-agent')),
    principal: quotedPrincipal(request),
    requestId: request.id,
    ip,
    remoteIP: settings.logIP ? quotedRemoteIp(request, ip) : '',
    traceId: request.otelSpan?.spanContext().traceId ?? '',
    authId: settings.logAuthId,
  });
}

/** The socket's peer as a JSON string: with no proxy in front, the client's IP, already quoted. */
function quotedRemoteIp(request: FastifyRequest, quotedClientIp: string): string {
  const remote = request.socket.remoteAddress ?? '';
  return remote === request.ip ? quotedClientIp : JSON.stringify(remote);
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

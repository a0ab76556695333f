import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeUrl } from './request-facts.ts';
import type { Tracing } from './tracing.ts';

/**
 * A server span per request, loaded with the OpenTelemetry SDK only when tracing is on
 * (`openTracing`): the span starts when the request arrives, continues a caller's
 * `traceparent`, runs the rest of the request in its context (so database spans become
 * its children), puts its trace id on the request's log lines, and ends with the response.
 */
export function traceRequests(server: FastifyInstance, tracing: Tracing): void {
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
  server.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply);
    done();
  });
}

function endSpan(request: FastifyRequest, reply: FastifyReply): void {
  const span = request.otelSpan;
  if (!span) return;
  const route = routeUrl(request);
  if (route) span.updateName(`${request.method} ${route}`);
  span.setAttributes({
    'http.route': route ?? '',
    'http.response.status_code': reply.statusCode,
    'basalt.request_id': request.id,
  });
  if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

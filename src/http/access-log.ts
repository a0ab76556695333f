import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { redactUrl, routeUrl } from './logger.ts';

const INFO = 30;

/**
 * The one log line per answered request. Its fields are known and few, so it is
 * serialized here and handed to the logger's own stream: pino's general path (child
 * logger bindings, redaction of every configured path, generic JSON) cost several times
 * more, on every request. The line is the one pino would print: level, time, the
 * logger's base fields, `requestId`, the fields below and `msg`. The URL goes through
 * the same redaction as everywhere else; the other fields hold no secrets. A request
 * whose logger carries more bindings (a trace id while tracing is on) goes through pino.
 */
export function accessLogWriter(logger: Logger): (request: FastifyRequest, reply: FastifyReply) => void {
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym];
  const time = (logger as unknown as Record<symbol, () => string>)[pino.symbols.timeSym];
  const base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  return (request, reply) => {
    if (!logger.isLevelEnabled('info')) return;
    const fields = accessFields(request, reply);
    if (request.otelSpan) return void request.log.info(fields, 'request');
    let line = `{"level":${INFO}${time()}${base},"requestId":${JSON.stringify(request.id)}`;
    line += `,"method":${JSON.stringify(fields.method)},"url":${JSON.stringify(fields.url)}`;
    if (fields.route) line += `,"route":${JSON.stringify(fields.route)}`;
    line += `,"status":${fields.status},"ms":${fields.ms},"ip":${JSON.stringify(fields.ip)}`;
    if (fields.principal) line += `,"principal":${JSON.stringify(fields.principal)}`;
    stream.write(`${line},"msg":"request"}\n`);
  };
}

function accessFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    route: routeUrl(request) || undefined,
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    ip: request.ip,
    principal: request.principalLabel,
  };
}

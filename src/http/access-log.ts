import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { loggedUrl, quotedIp, quotedPrincipal, quotedUrl, routeUrl } from '../observability/index.ts';

const INFO = 30;
/** lines held before they are written even within one turn of the event loop */
const MAX_BATCH = 256;

/**
 * The one log line per answered request. Its fields are known and few, so it is
 * serialized here and handed to the logger's own stream: pino's general path (child
 * logger bindings, redaction of every configured path, generic JSON) cost several times
 * more, on every request. The line is the one pino would print: level, time, the
 * logger's base fields, `requestId`, the fields below and `msg`. The URL goes through
 * the same redaction as everywhere else; the other fields hold no secrets. A request
 * whose logger carries more bindings (a trace id while tracing is on) goes through pino.
 */
export function accessLog(logger: Logger): {
  write: (request: FastifyRequest, reply: FastifyReply) => void;
  flush: () => void;
} {
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym];
  const time = (logger as unknown as Record<symbol, () => string>)[pino.symbols.timeSym];
  const base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  // Lines of one turn of the event loop go to the stream as one write. pino's stream
  // (sonic-boom) measures the byte length of the text it holds on every write, which
  // flattens that growing string each time: written line by line, that copying was the
  // largest allocation of a whole request.
  const quoted = new Map<string, string>();
  const quotedRoute = (route: string) => {
    let text = quoted.get(route);
    if (text === undefined) {
      text = JSON.stringify(route);
      quoted.set(route, text);
    }
    return text;
  };
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  const write = (request: FastifyRequest, reply: FastifyReply) => {
    if (!logger.isLevelEnabled('info')) return;
    if (request.otelSpan) return void request.log.info(accessFields(request, reply), 'request');
    // the request id (the id rule or a UUID) and the method (the HTTP parser knows a fixed
    // set) are plain ASCII and quoted as they are; route templates are few, quoted once
    // each; the URL, IP and caller are quoted once per request, for the stored entry too
    let line = `{"level":${INFO}${time()}${base},"requestId":"${request.id}","method":"${request.method}"`;
    line += `,"url":${quotedUrl(request)}`;
    const route = routeUrl(request);
    if (route) line += `,"route":${quotedRoute(route)}`;
    line += `,"status":${reply.statusCode},"ms":${roundedMs(reply)},"ip":${quotedIp(request)}`;
    const principal = quotedPrincipal(request);
    if (principal) line += `,"principal":${principal}`;
    pending.push(`${line},"msg":"request"}\n`);
    if (pending.length >= MAX_BATCH) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { write, flush };
}

function accessFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    url: loggedUrl(request),
    route: routeUrl(request) || undefined,
    status: reply.statusCode,
    ms: roundedMs(reply),
    ip: request.ip,
    principal: request.principalLabel,
  };
}

/** Milliseconds to the tenth. */
function roundedMs(reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 10) / 10;
}

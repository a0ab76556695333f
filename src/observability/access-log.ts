import type { FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { asciiJson, loggedUrl, quotedIp, quotedPrincipal, quotedUrl } from './request-facts.ts';

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
export function accessLog(
  logger: Logger,
): (request: FastifyRequest, route: string, status: number, elapsedMs: number) => void {
  const stream = (logger as unknown as Record<symbol, LineStream>)[pino.symbols.streamSym];
  const time = (logger as unknown as Record<symbol, () => string>)[pino.symbols.timeSym];
  const base = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const write = lineWriter(stream, base);
  // The line is put together from as few pieces as possible: every piece is one more
  // string to join and copy on every request. What does not change from one request to
  // the next is made once: the start (until the time changes, once a millisecond), the
  // method's part, and the route's and status's part (methods, route templates and
  // statuses are few). The URL, IP and caller are quoted once per request, for the stored
  // entry too.
  let startTime = '';
  let start = '';
  const lineStart = () => {
    const now = time();
    if (now !== startTime) {
      startTime = now;
      start = `{"level":${INFO}${now}${base},"requestId":"`;
    }
    return start;
  };
  const methodParts = new Map<string, string>();
  const methodPart = (method: string) => {
    let part = methodParts.get(method);
    if (part === undefined) {
      part = `","method":${JSON.stringify(method)},"url":`;
      methodParts.set(method, part);
    }
    return part;
  };
  const routeParts = new Map<string, Map<number, string>>();
  const routeStatusPart = (route: string, status: number) => {
    let byStatus = routeParts.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      routeParts.set(route, byStatus);
    }
    let part = byStatus.get(status);
    if (part === undefined) {
      part = `${route ? `,"route":${asciiJson(route)}` : ''},"status":${status},"ms":`;
      byStatus.set(status, part);
    }
    return part;
  };
  return (request, route, status, elapsedMs) => {
    // the level's number, read directly: `isLevelEnabled` looks the name up on every call
    if (logger.levelVal > INFO) return;
    const ms = Math.round(elapsedMs * 10) / 10;
    if (request.otelSpan) return void request.log.info(accessFields(request, route, status, ms), 'request');
    const principal = quotedPrincipal(request);
    write(
      `${lineStart()}${request.id}${methodPart(request.method)}${quotedUrl(request)}${routeStatusPart(route, status)}${ms},"ip":${quotedIp(request)}${principal ? `,"principal":${principal}` : ''},"msg":"request"}\n`,
    );
  };
}

/** A logger's stream; the process logger's own (http/log-stream.ts) also takes ASCII as it is. */
interface LineStream {
  write(line: string): void;
  writeAscii?(line: string): void;
}

/**
 * Every piece of an access line is ASCII (the URL, IP, caller and route are quoted by
 * `asciiJson`; ids, methods, times and numbers are ASCII by nature), so a stream that
 * takes ASCII as it is gets it that way, when the logger's own fields are ASCII too.
 */
function lineWriter(stream: LineStream, base: string): (line: string) => void {
  const { writeAscii } = stream;
  if (writeAscii && !/[^\x00-\x7f]/.test(base)) return (line) => writeAscii.call(stream, line);
  return (line) => stream.write(line);
}

function accessFields(request: FastifyRequest, route: string, status: number, ms: number) {
  return {
    method: request.method,
    url: loggedUrl(request),
    route: route || undefined,
    status,
    ms,
    ip: request.ip,
    principal: request.principalLabel,
  };
}

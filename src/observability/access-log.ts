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
  // The end of a guest's line (IP and message) is kept for the client IP it was made for:
  // one client's requests (a keep-alive connection, or every request behind a proxy that
  // is not trusted) share it, and quoting an IP runs a regular expression over it.
  let endIp = '';
  let guestEnd = '';
  const lineEnd = (request: FastifyRequest) => {
    const principal = quotedPrincipal(request);
    if (principal) return `,"ip":${quotedIp(request)},"principal":${principal},"msg":"request"}\n`;
    // read once: behind a trusted proxy, Fastify works the IP out of the headers on every read
    const ip = request.ip;
    if (ip !== endIp) {
      endIp = ip;
      guestEnd = `,"ip":${quotedIp(request)},"msg":"request"}\n`;
    }
    return guestEnd;
  };
  return (request, route, status, elapsedMs) => {
    // the level's number, read directly: `isLevelEnabled` looks the name up on every call
    if (logger.levelVal > INFO) return;
    const tenths = Math.round(elapsedMs * 10);
    if (request.otelSpan)
      return void request.log.info(accessFields(request, route, status, tenths / 10), 'request');
    write(
      `${lineStart()}${request.id}${methodPart(request.method)}${quotedUrl(request)}${routeStatusPart(route, status)}${latencyText(tenths)}${lineEnd(request)}`,
    );
  };
}

/** latencies under this many tenths of a millisecond (1 s) have their text kept; slower requests can afford printing it */
const KEPT_LATENCIES = 10_000;
/** filled in as latencies are seen; '' is not yet printed (a filled array stays a flat list) */
const latencyTexts: string[] = new Array<string>(KEPT_LATENCIES).fill('');

/**
 * A latency in tenths of a millisecond as the line prints it (`0.2`, `17`, `1234.5`).
 * Printing a fraction runs V8's shortest-double algorithm, ~500 instructions, a few
 * percent of the access line; the few hundred latencies a server sees are each printed
 * once and kept.
 */
function latencyText(tenths: number): string {
  if (!(tenths < KEPT_LATENCIES)) return String(tenths / 10);
  let text = latencyTexts[tenths];
  if (text === '') {
    text = String(tenths / 10);
    latencyTexts[tenths] = text;
  }
  return text;
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

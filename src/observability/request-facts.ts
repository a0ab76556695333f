import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redactUrl } from './redact.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** the matched route's template, read once (see `routeUrl`) */
    matchedRoute: string | undefined;
    /** the URL with secrets redacted, made once (see `loggedUrl`) */
    redactedUrl: string | undefined;
    /** JSON strings made once (see `quotedUrl`, `quotedIp`, `quotedPrincipal`) */
    urlJson: string | undefined;
    ipJson: string | undefined;
    principalJson: string | undefined;
  }
}

/**
 * Declares the per-request slots the functions below fill, so every request object keeps
 * one shape.
 */
export function declareRequestFacts(server: FastifyInstance): void {
  server.decorateRequest('matchedRoute', undefined);
  server.decorateRequest('redactedUrl', undefined);
  server.decorateRequest('urlJson', undefined);
  server.decorateRequest('ipJson', undefined);
  server.decorateRequest('principalJson', undefined);
}

/**
 * The route template a request matched (`/api/collections/:collection/records/:id`), or
 * '' when none did. Fastify's `request.routeOptions` builds a fresh object of every route
 * option on each read; metrics, the log line and the stored log all need the template,
 * so it is read once per request.
 */
export function routeUrl(request: FastifyRequest): string {
  if (request.matchedRoute === undefined) request.matchedRoute = request.routeOptions.url ?? '';
  return request.matchedRoute;
}

/**
 * The request's URL with secret query values redacted (`redactUrl`), made once: the log
 * line and the stored log both print it, and redacting a query string runs a regular
 * expression over it.
 */
export function loggedUrl(request: FastifyRequest): string {
  if (request.redactedUrl === undefined) request.redactedUrl = redactUrl(request.url);
  return request.redactedUrl;
}

// The access line and the stored entry print the same URL, IP and caller as JSON strings;
// each is quoted once per request, by whichever of the two comes first, in ASCII (see
// `asciiJson`).

/** `loggedUrl` as a JSON string. */
export function quotedUrl(request: FastifyRequest): string {
  if (request.urlJson === undefined) request.urlJson = asciiJson(loggedUrl(request));
  return request.urlJson;
}

/** The client's IP (`request.ip`) as a JSON string. */
export function quotedIp(request: FastifyRequest): string {
  if (request.ipJson === undefined) request.ipJson = asciiJson(request.ip);
  return request.ipJson;
}

/** The caller (`collection/recordId`) as a JSON string, '' for a guest. */
export function quotedPrincipal(request: FastifyRequest): string {
  if (request.principalJson === undefined)
    request.principalJson = request.principalLabel ? asciiJson(request.principalLabel) : '';
  return request.principalJson;
}

/** what JSON must escape, and what is not ASCII */
const NOT_PLAIN = /["\\\u0000-\u001f\u0080-\uffff]/;
const NOT_ASCII = /[\u0080-\uffff]/g;

/**
 * `text` as a JSON string in ASCII only: characters past ASCII are written as `\uXXXX`
 * escapes, which any JSON reader turns back into the same text. A line of ASCII can be
 * copied into the log's buffer as it is, without first joining its pieces into one
 * string to encode as UTF-8. Plain text (nearly every URL, IP and caller) is quoted as
 * it is: testing it costs less than a call into JSON.stringify, which sets up a whole
 * serializer for one string.
 */
export function asciiJson(text: string): string {
  if (!NOT_PLAIN.test(text)) return `"${text}"`;
  return JSON.stringify(text).replace(NOT_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../lib/errors.ts';
import { type ByteRange, type StorageObjectInfo, type StorageService, sniffType } from '../storage/index.ts';

/** Types a browser may show inline from our origin; anything else is sent as an attachment. */
const INLINE_TYPES =
  /^(image\/(png|jpe?g|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain)(;|$)/;

/**
 * Serves a stored object over HTTP: conditional GET (ETag, Last-Modified), a single
 * byte range (206/416), and headers that keep active content from running on our
 * origin — a sandboxing CSP, `nosniff`, and `attachment` for types a browser would
 * execute (HTML, SVG, XML, scripts).
 */
export async function serveObject(
  request: FastifyRequest,
  reply: FastifyReply,
  storage: StorageService,
  key: string,
  options: { name: string; download: boolean; cacheControl: string },
): Promise<FastifyReply> {
  // a plain GET wants the whole object: one open gives its info and its bytes (a conditional or
  // ranged one looks first, so a 304 or a range never starts reading the whole object)
  const h = request.headers;
  const plain = !h.range && !h['if-none-match'] && !h['if-modified-since'];
  const whole = plain ? await storage.driver.get(key) : null;
  const info = whole ? whole.info : await storage.driver.head(key);
  if (!info) throw new ApiError('not_found');
  try {
    return await answer(request, reply, storage, key, info, whole?.body ?? null, options);
  } catch (error) {
    whole?.body.destroy();
    throw error;
  }
}

/** Headers, then 304, 416, or the bytes (`body` when already open, else opened here). */
async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  storage: StorageService,
  key: string,
  info: StorageObjectInfo,
  body: Readable | null,
  options: { name: string; download: boolean; cacheControl: string },
): Promise<FastifyReply> {
  const type = info.contentType ?? (await detectType(storage, info));
  const inline = !options.download && INLINE_TYPES.test(type);
  reply
    .header('content-type', type)
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; ${dispositionName(options.name)}`)
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    )
    .header('cache-control', options.cacheControl)
    .header('etag', info.etag)
    .header('last-modified', info.modified.toUTCString())
    .header('accept-ranges', 'bytes');
  if (notModified(request, info)) {
    body?.destroy();
    return reply.code(304).send();
  }
  const range = wantedRange(request, info);
  if (range === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${info.size}`).send();
  }
  // HEAD goes through the same path: Node sends no body for HEAD, and the length stays the real one
  const object = body ? { body } : await storage.driver.get(key, range ?? undefined);
  if (!object) throw new ApiError('not_found');
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    reply.header('content-length', range.end - range.start + 1);
  } else reply.header('content-length', info.size);
  return reply.send(object.body);
}

function notModified(request: FastifyRequest, info: StorageObjectInfo): boolean {
  const match = request.headers['if-none-match'];
  if (match)
    return match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === info.etag || tag.trim() === '*');
  const since = Date.parse(String(request.headers['if-modified-since'] ?? ''));
  return Number.isFinite(since) && Math.floor(info.modified.getTime() / 1000) * 1000 <= since;
}

/** The single range asked for, null for the whole object (no, several, or a stale If-Range). */
function wantedRange(request: FastifyRequest, info: StorageObjectInfo): ByteRange | null | 'unsatisfiable' {
  const header = request.headers.range;
  if (!header) return null;
  const ifRange = String(request.headers['if-range'] ?? '');
  if (
    ifRange &&
    ifRange !== info.etag &&
    Date.parse(ifRange) !== Math.floor(info.modified.getTime() / 1000) * 1000
  )
    return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const size = info.size;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end || size === 0) return 'unsatisfiable';
  return { start, end };
}

/** The type of a stored object whose driver keeps none, from its first bytes (remembered per version). */
async function detectType(storage: StorageService, info: StorageObjectInfo): Promise<string> {
  const known = storage.knownType(info);
  if (known) return known;
  const head = await storage.driver.get(
    info.key,
    info.size ? { start: 0, end: Math.min(info.size, 4100) - 1 } : undefined,
  );
  if (!head) throw new ApiError('not_found');
  const { type, stream } = await sniffType(head.body);
  stream.resume();
  storage.rememberType(info, type);
  return type;
}

/** `filename="…"` with an ASCII fallback and the exact name in RFC 5987 form. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

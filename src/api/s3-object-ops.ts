import type { FastifyReply } from 'fastify';
import { S3Error, type S3Object } from '../storage/s3-api/index.ts';
import { allowed, declaredDigests, metadataOf, objectBody, type S3Call, sendXml } from './s3-context.ts';

const MAX_KEY_BYTES = 1024;

/** Object-level requests other than multipart: put, copy, get, head, delete. */
export async function objectOperation(call: S3Call) {
  const { request, key } = call;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', undefined, key);
  if (key.includes('\0')) throw new S3Error('InvalidArgument', 'Object keys may not contain NUL.', key);
  switch (request.method) {
    case 'PUT':
      return request.headers['x-amz-copy-source'] ? copyObject(call) : putObject(call);
    case 'GET':
    case 'HEAD':
      return getObject(call);
    case 'DELETE':
      await call.s3.store.delete(call.bucket, key);
      return call.reply.code(204).send();
  }
  throw new S3Error('MethodNotAllowed');
}

async function putObject(call: S3Call) {
  const { request, reply } = call;
  const declared = declaredDigests(call);
  // the store checks the bucket before it reads the body
  const object = await call.s3.store.put(call.bucket, call.key, objectBody(call), {
    contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
    metadata: metadataOf(request),
    declared,
  });
  return reply.code(200).header('etag', object.etag).send();
}

async function copyObject(call: S3Call) {
  const { request } = call;
  const source = decodeURIComponent(String(request.headers['x-amz-copy-source'])).replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash < 1) throw new S3Error('InvalidArgument', 'x-amz-copy-source must be bucket/key.');
  const [fromBucket, fromKey] = [source.slice(0, slash), source.slice(slash + 1).split('?versionId=')[0]];
  if (!allowed(call.access, fromBucket, false)) throw new S3Error('AccessDenied');
  await call.s3.store.requireBucket(fromBucket);
  const from = await call.s3.store.head(fromBucket, fromKey);
  if (!from) throw new S3Error('NoSuchKey', undefined, fromKey);
  const replace = String(request.headers['x-amz-metadata-directive'] ?? '').toUpperCase() === 'REPLACE';
  const copied = await call.s3.store.copy(
    from,
    call.bucket,
    call.key,
    replace
      ? {
          contentType: String(request.headers['content-type'] ?? from.contentType),
          metadata: metadataOf(request),
        }
      : null,
  );
  return sendXml(call, 'CopyObjectResult', { LastModified: copied.modified, ETag: copied.etag });
}

function objectHeaders(reply: FastifyReply, object: S3Object): void {
  reply
    .header('etag', object.etag)
    .header('last-modified', new Date(object.modified).toUTCString())
    .header('content-type', object.contentType)
    .header('accept-ranges', 'bytes');
  for (const [name, value] of Object.entries(object.metadata)) reply.header(`x-amz-meta-${name}`, value);
}

/** 304/412 per If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since (RFC 9110 order). */
function preconditions(call: S3Call, object: S3Object): number | null {
  const h = call.request.headers;
  const seconds = Math.floor(Date.parse(object.modified) / 1000) * 1000;
  const tags = (v: unknown) =>
    String(v)
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''));
  if (h['if-match'] && !tags(h['if-match']).some((t) => t === '*' || t === object.etag)) return 412;
  if (!h['if-match'] && h['if-unmodified-since'] && seconds > Date.parse(String(h['if-unmodified-since'])))
    return 412;
  if (h['if-none-match'])
    return tags(h['if-none-match']).some((t) => t === '*' || t === object.etag) ? 304 : null;
  if (h['if-modified-since'] && seconds <= Date.parse(String(h['if-modified-since']))) return 304;
  return null;
}

function rangeOf(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || start > end ? 'invalid' : { start, end };
}

async function getObject(call: S3Call) {
  const { request, reply } = call;
  await call.s3.store.requireBucket(call.bucket);
  const head = await call.s3.store.head(call.bucket, call.key);
  if (!head) throw new S3Error('NoSuchKey', undefined, call.key);
  const status = preconditions(call, head);
  if (status === 412) throw new S3Error('PreconditionFailed');
  objectHeaders(reply, head);
  if (status === 304) return reply.code(304).send();
  const range = rangeOf(request.headers.range, head.size);
  if (range === 'invalid') {
    reply.header('content-range', `bytes */${head.size}`);
    throw new S3Error('InvalidRange');
  }
  if (request.method === 'HEAD') return reply.code(200).header('content-length', head.size).send();
  const found = await call.s3.store.get(call.bucket, call.key, (o) =>
    o.etag === head.etag ? range : undefined,
  );
  if (!found) throw new S3Error('NoSuchKey', undefined, call.key);
  objectHeaders(reply, found.object);
  if (found.range) {
    reply
      .code(206)
      .header('content-range', `bytes ${found.range.start}-${found.range.end}/${found.object.size}`);
    reply.header('content-length', found.range.end - found.range.start + 1);
  } else reply.code(200).header('content-length', found.object.size);
  return reply.send(found.body);
}

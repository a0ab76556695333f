import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { esc, queryPairs, S3Error, verifySigV4 } from '../storage/s3-api/index.ts';
import type { ApiServices } from './api-services.ts';
import { bucketOperation, listBuckets } from './s3-bucket-ops.ts';
import { allowed, type S3Call } from './s3-context.ts';
import { isMultipart, listUploads, multipartOperation } from './s3-multipart-ops.ts';
import { objectOperation } from './s3-object-ops.ts';

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] as const;
const READS = new Set(['GET', 'HEAD']);

/**
 * The S3-compatible endpoint (a Basalt extension) under its prefix on the main
 * listener: path-style `/<prefix>/<bucket>/<key>`, AWS Signature V4 (header or
 * presigned query), S3 XML answers and errors. Bodies are never parsed by Fastify:
 * object bytes stream from the socket into the storage driver.
 */
export function registerS3Routes(server: FastifyInstance, services: ApiServices): void {
  const s3 = services.storage.s3;
  if (!s3) return;
  server.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.setErrorHandler((error, request, reply) => sendError(error, request, reply));
      const handler = (request: FastifyRequest, reply: FastifyReply) => handle(services, request, reply);
      scope.route({ method: [...METHODS], url: '/', handler, exposeHeadRoute: false });
      scope.route({ method: [...METHODS], url: '/*', handler, exposeHeadRoute: false });
    },
    { prefix: s3.prefix },
  );
}

async function handle(services: ApiServices, request: FastifyRequest, reply: FastifyReply) {
  const s3 = services.storage.s3!;
  reply.header('x-amz-request-id', request.id);
  const url = request.raw.url ?? '/';
  const path = url.split('?')[0].slice(s3.prefix.length);
  const slash = path.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  await s3.keys.ready();
  const known = new Map<string, Awaited<ReturnType<typeof s3.keys.lookup>>>();
  // the signature check is synchronous; the one key it names is looked up first
  const credential =
    /Credential=([^/,\s]+)/.exec(String(request.headers.authorization ?? ''))?.[1] ??
    new URLSearchParams(url.split('?')[1] ?? '').get('X-Amz-Credential')?.split('/')[0];
  if (credential) known.set(credential, await s3.keys.lookup(credential));
  const signed = verify(request, url, s3.prefix, (id) => known.get(id)?.secret ?? null);
  if (!signed)
    throw new S3Error('AccessDenied', 'Anonymous requests are not allowed: sign them with an access key.');
  const access = known.get(signed.accessKeyId)!.key;
  const call: S3Call = { request, reply, s3, bucket, key, query: new Map(queryPairs(url)), signed, access };
  if (!bucket) {
    if (request.method !== 'GET') throw new S3Error('MethodNotAllowed');
    return listBuckets(call);
  }
  if (!allowed(access, bucket, !READS.has(request.method)))
    throw new S3Error('AccessDenied', undefined, bucket);
  if (!key) return bucketOperation(call, listUploads);
  return isMultipart(call) ? multipartOperation(call) : objectOperation(call);
}

/**
 * Checks the signature as sent, then (only when that fails) the way s3cmd signs an
 * endpoint under a path prefix: the prefix appended to the Host header and missing
 * from the path. Both prove the same secret over the same request.
 */
function verify(
  request: FastifyRequest,
  url: string,
  prefix: string,
  secretOf: (id: string) => string | null,
) {
  try {
    return verifySigV4({ method: request.method, url, headers: request.headers }, secretOf);
  } catch (error) {
    if (!(error instanceof S3Error && error.code === 'SignatureDoesNotMatch')) throw error;
    const headers = { ...request.headers, host: `${request.headers.host}${prefix}` };
    try {
      return verifySigV4({ method: request.method, url: url.slice(prefix.length) || '/', headers }, secretOf);
    } catch {
      throw error;
    }
  }
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  let failure: S3Error;
  if (error instanceof S3Error) failure = error;
  else if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' || request.raw.destroyed) {
    failure = new S3Error('IncompleteBody');
  } else {
    request.log.error({ err: error }, 's3 request failed');
    failure = new S3Error('InternalError');
  }
  // a client that is still sending gets the answer without us reading the rest
  if (!request.raw.complete) reply.header('connection', 'close');
  const body =
    request.method === 'HEAD'
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${esc(failure.message)}</Message><Resource>${esc(failure.resource)}</Resource><RequestId>${esc(request.id)}</RequestId></Error>`;
  reply.code(failure.status).type('application/xml').send(body);
}

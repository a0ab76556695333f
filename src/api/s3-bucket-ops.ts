import { continuation, listObjects, S3Error, xmlBlocks } from '../storage/s3-api/index.ts';
import { allowed, type S3Call, sendXml, smallBody } from './s3-context.ts';

const OWNER = { ID: 'basalt', DisplayName: 'basalt' };

/** GET / — the buckets this key may see. */
export async function listBuckets(call: S3Call) {
  const buckets = (await call.s3.store.buckets()).filter((b) => allowed(call.access, b.name, false));
  return sendXml(call, 'ListAllMyBucketsResult', {
    Owner: OWNER,
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.created })) },
  });
}

/** Bucket-level requests: create, delete, head, list, location, uploads, delete-many. */
export async function bucketOperation(call: S3Call, listUploads: (call: S3Call) => Promise<unknown>) {
  const { request, reply, bucket, query, s3 } = call;
  switch (request.method) {
    case 'PUT':
      await s3.store.createBucket(bucket);
      return reply.code(200).header('location', `/${bucket}`).send();
    case 'DELETE':
      await s3.store.deleteBucket(bucket);
      return reply.code(204).send();
    case 'HEAD':
      await s3.store.requireBucket(bucket);
      return reply.code(200).send();
    case 'POST':
      if (query.has('delete')) return deleteObjects(call);
      throw new S3Error('MethodNotAllowed');
    case 'GET':
      await s3.store.requireBucket(bucket);
      if (query.has('location')) return sendXml(call, 'LocationConstraint', {});
      if (query.has('versioning')) return sendXml(call, 'VersioningConfiguration', {});
      if (query.has('uploads')) return listUploads(call);
      if (
        ['acl', 'policy', 'cors', 'lifecycle', 'tagging', 'website', 'encryption', 'object-lock'].some((q) =>
          query.has(q),
        )
      )
        throw new S3Error('NotImplemented');
      return query.get('list-type') === '2' ? listV2(call) : listV1(call);
  }
  throw new S3Error('MethodNotAllowed');
}

function maxKeysOf(call: S3Call): number {
  const raw = call.query.get('max-keys');
  if (raw === undefined || raw === '') return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new S3Error('InvalidArgument', 'max-keys must be a non-negative integer.');
  return Math.min(n, 1000);
}

const objectXml = (o: { key: string; modified: string; etag: string; size: number }) => ({
  Key: o.key,
  LastModified: o.modified,
  ETag: o.etag,
  Size: o.size,
  StorageClass: 'STANDARD',
});

async function listV2(call: S3Call) {
  const { query, bucket } = call;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after');
  const cursor = token
    ? continuation.decode(token)
    : startAfter
      ? { value: startAfter, isPrefix: false }
      : null;
  if (token && !cursor) throw new S3Error('InvalidArgument', 'The continuation token is not valid.');
  const maxKeys = maxKeysOf(call);
  const result = await listObjects(call.s3.store.db, bucket, { prefix, delimiter, cursor, maxKeys });
  return sendXml(call, 'ListBucketResult', {
    Name: bucket,
    Prefix: prefix,
    Delimiter: delimiter || undefined,
    MaxKeys: maxKeys,
    KeyCount: result.objects.length + result.prefixes.length,
    IsTruncated: result.truncated,
    ContinuationToken: token,
    NextContinuationToken: result.truncated && result.last ? continuation.encode(result.last) : undefined,
    StartAfter: startAfter,
    Contents: result.objects.map(objectXml),
    CommonPrefixes: result.prefixes.map((p) => ({ Prefix: p })),
  });
}

async function listV1(call: S3Call) {
  const { query, bucket } = call;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const marker = query.get('marker') ?? '';
  const maxKeys = maxKeysOf(call);
  // a marker that is a common prefix resumes past its subtree, as S3's NextMarker does
  const cursor = marker ? { value: marker, isPrefix: delimiter !== '' && marker.endsWith(delimiter) } : null;
  const result = await listObjects(call.s3.store.db, bucket, { prefix, delimiter, cursor, maxKeys });
  return sendXml(call, 'ListBucketResult', {
    Name: bucket,
    Prefix: prefix,
    Marker: marker,
    NextMarker: result.truncated && delimiter && result.last ? result.last.value : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter || undefined,
    IsTruncated: result.truncated,
    Contents: result.objects.map(objectXml),
    CommonPrefixes: result.prefixes.map((p) => ({ Prefix: p })),
  });
}

async function deleteObjects(call: S3Call) {
  if (!allowed(call.access, call.bucket, true)) throw new S3Error('AccessDenied');
  await call.s3.store.requireBucket(call.bucket);
  const xml = await smallBody(call);
  const objects = xmlBlocks(xml, 'Object', ['Key']);
  if (!xml.includes('<Delete') || objects.length > 1000) throw new S3Error('MalformedXML');
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
  const deleted: { Key: string }[] = [];
  for (const { Key } of objects) {
    if (Key === undefined) throw new S3Error('MalformedXML');
    await call.s3.store.delete(call.bucket, Key);
    deleted.push({ Key });
  }
  return sendXml(call, 'DeleteResult', { Deleted: quiet ? [] : deleted });
}

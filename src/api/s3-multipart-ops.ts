import { S3Error, xmlBlocks } from '../storage/s3-api/index.ts';
import { declaredDigests, metadataOf, objectBody, type S3Call, sendXml, smallBody } from './s3-context.ts';

/** Whether a request belongs to the multipart family. */
export function isMultipart(call: S3Call): boolean {
  return call.query.has('uploads') || call.query.has('uploadId');
}

/** Create, upload part, complete, abort, list parts. */
export async function multipartOperation(call: S3Call) {
  const { request, reply, query, s3, bucket, key } = call;
  const uploadId = query.get('uploadId');
  if (request.method === 'POST' && query.has('uploads')) {
    const id = await s3.multipart.create(bucket, key, {
      contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
      metadata: metadataOf(request),
    });
    return sendXml(call, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: id });
  }
  if (!uploadId) throw new S3Error('InvalidRequest');
  await s3.store.requireBucket(bucket);
  const upload = await s3.multipart.require(bucket, key, uploadId);
  switch (request.method) {
    case 'PUT': {
      if (request.headers['x-amz-copy-source'])
        throw new S3Error('NotImplemented', 'UploadPartCopy is not supported.');
      const declared = declaredDigests(call);
      const etag = await s3.multipart.uploadPart(
        upload,
        Number(query.get('partNumber')),
        objectBody(call),
        declared,
      );
      return reply.code(200).header('etag', etag).send();
    }
    case 'POST': {
      const xml = await smallBody(call);
      const parts = xmlBlocks(xml, 'Part', ['PartNumber', 'ETag']).map((p) => ({
        partNumber: Number(p.PartNumber),
        etag: p.ETag ?? '',
      }));
      const object = await s3.multipart.complete(upload, parts);
      return sendXml(call, 'CompleteMultipartUploadResult', {
        Location: `${call.s3.prefix}/${bucket}/${key}`,
        Bucket: bucket,
        Key: key,
        ETag: object.etag,
      });
    }
    case 'DELETE':
      await s3.multipart.abort(upload);
      return reply.code(204).send();
    case 'GET': {
      const marker = Number(query.get('part-number-marker') ?? 0) || 0;
      const max = Math.min(Number(query.get('max-parts') ?? 1000) || 1000, 1000);
      const parts = await s3.multipart.parts(upload.id, marker, max + 1);
      const page = parts.slice(0, max);
      return sendXml(call, 'ListPartsResult', {
        Bucket: bucket,
        Key: key,
        UploadId: upload.id,
        PartNumberMarker: marker,
        NextPartNumberMarker: page.at(-1)?.partNumber,
        MaxParts: max,
        IsTruncated: parts.length > max,
        Part: page.map((p) => ({
          PartNumber: p.partNumber,
          LastModified: p.modified,
          ETag: p.etag,
          Size: p.size,
        })),
      });
    }
  }
  throw new S3Error('MethodNotAllowed');
}

/** GET /bucket?uploads — uploads in progress. */
export async function listUploads(call: S3Call) {
  const prefix = call.query.get('prefix') ?? '';
  const max = Math.min(Number(call.query.get('max-uploads') ?? 1000) || 1000, 1000);
  const uploads = await call.s3.multipart.uploads(call.bucket, prefix, max);
  return sendXml(call, 'ListMultipartUploadsResult', {
    Bucket: call.bucket,
    KeyMarker: '',
    UploadIdMarker: '',
    Prefix: prefix,
    MaxUploads: max,
    IsTruncated: false,
    Upload: uploads.map((u) => ({
      Key: u.key,
      UploadId: u.id,
      Initiated: u.initiated,
      StorageClass: 'STANDARD',
    })),
  });
}

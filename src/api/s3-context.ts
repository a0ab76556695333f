import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AwsChunkedDecoder,
  contentMd5,
  type DeclaredDigests,
  type S3Endpoint,
  S3Error,
  type S3Key,
  type SignedRequest,
  xmlDocument,
} from '../storage/s3-api/index.ts';
import type { XmlValue } from '../storage/s3-api/s3-xml.ts';

/** One S3 request after routing and authentication. */
export interface S3Call {
  request: FastifyRequest;
  reply: FastifyReply;
  s3: S3Endpoint;
  /** '' for service-level requests */
  bucket: string;
  /** '' for bucket-level requests */
  key: string;
  query: Map<string, string>;
  signed: SignedRequest;
  access: S3Key;
}

/** Answers an XML document. */
export function sendXml(
  call: S3Call,
  root: string,
  children: Record<string, XmlValue>,
  status = 200,
): FastifyReply {
  return call.reply.code(status).type('application/xml').send(xmlDocument(root, children));
}

/** The object bytes of a request body, decoding `aws-chunked` framing when the client used it. */
export function objectBody(call: S3Call): Readable {
  const raw = call.request.raw;
  if (!call.signed.payloadHash.startsWith('STREAMING-')) return raw;
  const decoder = new AwsChunkedDecoder(call.signed);
  raw.on('error', (error) => decoder.destroy(error));
  raw.on('aborted', () => decoder.destroy(new S3Error('IncompleteBody')));
  return raw.pipe(decoder);
}

/**
 * The digests the request declared for its body: a signed hex x-amz-content-sha256 and
 * Content-MD5, checked against the stored bytes (a malformed Content-MD5 is InvalidDigest).
 */
export function declaredDigests(call: S3Call): DeclaredDigests {
  const header = call.request.headers['content-md5'];
  return {
    sha256: /^[0-9a-f]{64}$/.test(call.signed.payloadHash) ? call.signed.payloadHash : null,
    md5: contentMd5(header === undefined ? undefined : String(header)),
  };
}

/** A small XML request body (DeleteObjects, CompleteMultipartUpload), at most 2 MB. */
export async function smallBody(call: S3Call): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of objectBody(call)) {
    size += (chunk as Buffer).length;
    if (size > 2 << 20) throw new S3Error('MalformedXML', 'The request document is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `x-amz-meta-*` request headers as S3 metadata (lower-case names, without the prefix). */
export function metadataOf(request: FastifyRequest): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice(11)] = String(value);
  }
  return metadata;
}

/** Whether the key may do this: its buckets include the bucket, and writes need a read-write key. */
export function allowed(access: S3Key, bucket: string, write: boolean): boolean {
  if (write && access.readOnly) return false;
  return access.buckets.includes('*') || (bucket !== '' && access.buckets.includes(bucket));
}

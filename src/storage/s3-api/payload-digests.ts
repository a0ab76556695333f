import type { DigestName, Digests } from '../storage-driver.ts';
import { S3Error } from './s3-error.ts';

/** What a request declared about its payload, as hex digests, to check against the bytes stored. */
export interface DeclaredDigests {
  /** a signed x-amz-content-sha256 */
  sha256: string | null;
  /** Content-MD5 (sent base64) */
  md5: string | null;
}

/** The digests a put computes: MD5 always (it is the ETag), SHA-256 when the request signed one. */
export function digestsToCompute(declared: DeclaredDigests): DigestName[] {
  return declared.sha256 ? ['md5', 'sha256'] : ['md5'];
}

/**
 * Refuses stored bytes that are not what the request declared: XAmzContentSHA256Mismatch
 * for the signed SHA-256, BadDigest for Content-MD5. The caller removes the bytes.
 */
export function checkDeclared(declared: DeclaredDigests, digests: Digests): void {
  if (declared.sha256 && digests.sha256 !== declared.sha256) throw new S3Error('XAmzContentSHA256Mismatch');
  if (declared.md5 && digests.md5 !== declared.md5) throw new S3Error('BadDigest');
}

/** A Content-MD5 header as hex; InvalidDigest when it is not the base64 of 16 bytes. */
export function contentMd5(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value) throw new S3Error('InvalidDigest');
  return bytes.toString('hex');
}

/** The S3-compatible endpoint's storage side: keys, buckets, objects, multipart, signatures. */
export { AwsChunkedDecoder } from './aws-chunked.ts';
export { S3_ERRORS, S3Error, type S3ErrorCode } from './s3-error.ts';
export { type S3Key, S3KeyStore } from './s3-keys.ts';
export { continuation, type ListCursor, listObjects } from './s3-list.ts';
export { contentMd5, type DeclaredDigests } from './payload-digests.ts';
export { S3Multipart, type UploadRow } from './s3-multipart.ts';
export { type ObjectMeta, type ObjectWrite, type S3Object, S3Store } from './s3-store.ts';
export { queryPairs, type SignedRequest, verifySigV4 } from './sigv4.ts';
export { esc, xmlBlocks, xmlDocument, xmlText } from './s3-xml.ts';

import type { DbDriver } from '../../db/driver.ts';
import type { StorageService } from '../storage-service.ts';
import { S3KeyStore } from './s3-keys.ts';
import { S3Multipart } from './s3-multipart.ts';
import { S3Store } from './s3-store.ts';

/** Everything the S3 endpoint needs, built once per app. */
export interface S3Endpoint {
  /** the URL path prefix it is served under, e.g. `/s3` */
  prefix: string;
  keys: S3KeyStore;
  store: S3Store;
  multipart: S3Multipart;
}

/** Builds the S3 endpoint over a database and storage. */
export function createS3Endpoint(db: DbDriver, storage: StorageService, prefix: string): S3Endpoint {
  const store = new S3Store(db, storage);
  return { prefix, keys: new S3KeyStore(db), store, multipart: new S3Multipart(store) };
}

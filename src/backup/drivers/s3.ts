import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type BackupObject, type BackupStore, isSafeKey } from '../backup-store.ts';

/** Where an S3 store is and how to sign in to it. */
export interface S3StoreOptions {
  bucket: string;
  /** key prefix inside the bucket, e.g. `backups/` (may be empty) */
  prefix: string;
  region: string;
  /** the service URL; empty for AWS itself */
  endpoint: string;
  accessKey: string;
  secret: string;
  forcePathStyle: boolean;
}

/** A backup store in an S3 bucket (AWS or any S3-compatible service). */
export class S3BackupStore implements BackupStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3StoreOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.location = `s3://${options.bucket}/${options.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    this.#client = new S3Client({
      region: options.region || 'us-east-1',
      endpoint: options.endpoint || undefined,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKey, secretAccessKey: options.secret },
    });
  }

  async list(): Promise<BackupObject[]> {
    const out: BackupObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        const key = (item.Key ?? '').slice(this.#prefix.length);
        if (isSafeKey(key))
          out.push({ key, size: item.Size ?? 0, modified: item.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => b.modified.getTime() - a.modified.getTime() || b.key.localeCompare(a.key));
  }

  async exists(key: string): Promise<boolean> {
    if (!isSafeKey(key)) return false;
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async put(key: string, localFile: string): Promise<void> {
    const size = (await stat(localFile)).size;
    // multipart for big archives: one PUT is limited to 5 GB and restarts from zero on failure
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#prefix + key,
        Body: createReadStream(localFile),
        ContentLength: size,
        ContentType: 'application/gzip',
      },
      partSize: 16 * 1024 * 1024,
      queueSize: 2,
    });
    await upload.done();
  }

  async get(key: string): Promise<{ stream: Readable; size: number } | null> {
    if (!isSafeKey(key)) return null;
    try {
      const answer = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      return { stream: answer.Body as Readable, size: Number(answer.ContentLength ?? 0) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    if (!isSafeKey(key)) return;
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }));
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

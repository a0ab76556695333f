/**
 * The S3 driver: objects in one bucket (under an optional key prefix) of any
 * S3-compatible service. Writes stream through `@aws-sdk/lib-storage`'s multipart
 * upload (a few parts of 8 MB in memory at most); a failed write aborts its upload,
 * so no partial object appears.
 */
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SizeLimit } from '../size-limit.ts';
import { DigestStream } from '../digest-stream.ts';
import type { ByteRange, ListPage, PutOptions, StorageDriver, StorageObjectInfo } from '../storage-driver.ts';
import { checkKey, checkPrefix } from '../storage-key.ts';
import { parseS3Url, type S3Location } from './s3-url.ts';

/** Opens the S3 driver for `s3://[key:secret@]bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true`. */
export async function openS3Storage(url: string): Promise<StorageDriver> {
  return new S3Storage(parseS3Url(url));
}

const PART_SIZE = 8 << 20;

const isMissing = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

class S3Storage implements StorageDriver {
  readonly capabilities = { metadata: true };
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(location: S3Location) {
    this.#client = new S3Client(location.client);
    this.#bucket = location.bucket;
    this.#prefix = location.prefix;
  }

  #info(
    key: string,
    head: {
      ContentLength?: number;
      Size?: number;
      LastModified?: Date;
      ETag?: string;
      ContentType?: string;
      Metadata?: Record<string, string>;
    },
  ): StorageObjectInfo {
    return {
      key,
      size: Number(head.ContentLength ?? head.Size ?? 0),
      modified: head.LastModified ?? new Date(0),
      etag: head.ETag ?? '""',
      contentType: head.ContentType,
      metadata: head.Metadata,
    };
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StorageObjectInfo> {
    const checked = checkKey(key);
    const limit = new SizeLimit(options.maxSize);
    body.on('error', (error) => limit.destroy(error));
    // the bytes go to another service: they are hashed on their way there
    const digesting = options.digests?.length ? new DigestStream(options.digests) : null;
    if (digesting) limit.on('error', (error) => digesting.destroy(error));
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#prefix + checked,
        Body: digesting ? body.pipe(limit).pipe(digesting) : body.pipe(limit),
        ContentType: options.contentType,
        Metadata: options.metadata,
      },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    const info = (await this.head(checked))!;
    return digesting ? { ...info, digests: digesting.digests } : info;
  }

  async get(key: string, range?: ByteRange): Promise<{ info: StorageObjectInfo; body: Readable } | null> {
    const checked = checkKey(key);
    try {
      const out = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + checked,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const info = this.#info(checked, out);
      // a ranged answer's Content-Length is the range's; the whole size is in Content-Range
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
      if (total) info.size = Number(total);
      return { info, body: out.Body as Readable };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async head(key: string): Promise<StorageObjectInfo | null> {
    const checked = checkKey(key);
    try {
      const out = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + checked }),
      );
      return this.#info(checked, out);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const checked = checkKey(key);
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + checked }));
  }

  async list(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    const checked = checkPrefix(prefix);
    const limit = options.limit ?? 1000;
    const out = await this.#client.send(
      // version 1 listing with Marker: every S3 service implements it the same way
      new ListObjectsCommand({
        Bucket: this.#bucket,
        Prefix: this.#prefix + checked,
        Marker: options.after === undefined ? undefined : this.#prefix + options.after,
        MaxKeys: limit,
      }),
    );
    const items = (out.Contents ?? []).map((o) => this.#info(String(o.Key).slice(this.#prefix.length), o));
    return out.IsTruncated && items.length ? { items, next: items.at(-1)!.key } : { items };
  }

  async copy(from: string, to: string): Promise<StorageObjectInfo | null> {
    const source = this.#prefix + checkKey(from);
    try {
      await this.#client.send(
        new CopyObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + checkKey(to),
          CopySource: `${this.#bucket}/${source.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return this.head(to);
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}

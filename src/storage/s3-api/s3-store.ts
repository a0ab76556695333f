import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DbDriver } from '../../db/driver.ts';
import type { ByteRange, StorageObjectInfo } from '../storage-driver.ts';
import type { StorageService } from '../storage-service.ts';
import { checkDeclared, type DeclaredDigests, digestsToCompute } from './payload-digests.ts';
import { S3Error } from './s3-error.ts';
import { ensureS3Tables } from './s3-schema.ts';

/** One object's row. */
export interface S3Object {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  /** quoted, as sent in the ETag header */
  etag: string;
  contentType: string;
  metadata: Record<string, string>;
  modified: string;
}

type ObjectRow = Omit<S3Object, 'metadata'> & { metadata: string };
const toObject = (row: ObjectRow): S3Object => ({
  ...row,
  size: Number(row.size),
  metadata: JSON.parse(row.metadata),
});

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** What an object keeps besides its bytes. */
export interface ObjectMeta {
  contentType: string;
  metadata: Record<string, string>;
}

/** What a write carries besides its bytes: the object's metadata and the digests the request declared. */
export interface ObjectWrite extends ObjectMeta {
  declared: DeclaredDigests;
}

/**
 * Buckets and objects of the S3 endpoint over the database (names, ETags, metadata)
 * and the storage driver (bytes, under fresh blob keys). An overwrite writes a new
 * blob, swaps the row in a transaction, then removes the old blob: readers see the
 * old object or the new one, never a mix.
 */
export class S3Store {
  readonly db: DbDriver;
  readonly storage: StorageService;
  #ready: Promise<void> | null = null;

  constructor(db: DbDriver, storage: StorageService) {
    this.db = db;
    this.storage = storage;
  }

  ready(): Promise<void> {
    this.#ready ??= ensureS3Tables(this.db);
    return this.#ready;
  }

  /** A fresh blob key, spread over 256 folders so no directory grows huge on disk. */
  newBlob(kind: 'objects' | 'parts'): string {
    const id = randomUUID();
    return `_s3/${kind}/${id.slice(0, 2)}/${id}`;
  }

  async buckets(): Promise<{ name: string; created: string }[]> {
    await this.ready();
    return this.db.all(`SELECT "name", "created" FROM "_s3_buckets" ORDER BY "name"`);
  }

  async hasBucket(name: string): Promise<boolean> {
    await this.ready();
    return Boolean(await this.db.get(`SELECT 1 AS found FROM "_s3_buckets" WHERE "name" = ?`, [name]));
  }

  async requireBucket(name: string): Promise<void> {
    if (!(await this.hasBucket(name))) throw new S3Error('NoSuchBucket', undefined, name);
  }

  async createBucket(name: string): Promise<void> {
    if (!BUCKET_NAME.test(name) || name.includes('..'))
      throw new S3Error('InvalidBucketName', undefined, name);
    if (await this.hasBucket(name)) throw new S3Error('BucketAlreadyOwnedByYou', undefined, name);
    await this.db.run(`INSERT INTO "_s3_buckets" ("name", "created") VALUES (?, ?)`, [
      name,
      new Date().toISOString(),
    ]);
  }

  async deleteBucket(name: string): Promise<void> {
    await this.requireBucket(name);
    await this.db.transaction(async (tx) => {
      const used = await tx.get(`SELECT 1 AS found FROM "_s3_objects" WHERE "bucket" = ? LIMIT 1`, [name]);
      const uploads = await tx.get(`SELECT 1 AS found FROM "_s3_uploads" WHERE "bucket" = ? LIMIT 1`, [name]);
      if (used || uploads) throw new S3Error('BucketNotEmpty', undefined, name);
      await tx.run(`DELETE FROM "_s3_buckets" WHERE "name" = ?`, [name]);
    });
  }

  async head(bucket: string, key: string): Promise<S3Object | null> {
    await this.ready();
    const row = await this.db.get<ObjectRow>(`SELECT * FROM "_s3_objects" WHERE "bucket" = ? AND "key" = ?`, [
      bucket,
      key,
    ]);
    return row ? toObject(row) : null;
  }

  /** The object and its bytes (a range of them); retried once if an overwrite removed the blob meanwhile. */
  async get(
    bucket: string,
    key: string,
    range?: (object: S3Object) => ByteRange | undefined,
  ): Promise<{ object: S3Object; body: Readable; range?: ByteRange } | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const object = await this.head(bucket, key);
      if (!object) return null;
      const wanted = range?.(object);
      const found = await this.storage.driver.get(object.blob, wanted);
      if (found) return { object, body: found.body, range: wanted };
    }
    return null;
  }

  /** Streams a new object in, then makes it visible. */
  async put(bucket: string, key: string, body: Readable, write: ObjectWrite): Promise<S3Object> {
    await this.requireBucket(bucket);
    const blob = this.newBlob('objects');
    const info = await this.putBlob(blob, body, write.declared);
    return this.commit({
      bucket,
      key,
      blob,
      size: info.size,
      etag: `"${info.digests!.md5}"`,
      contentType: write.contentType,
      metadata: write.metadata,
      modified: new Date().toISOString(),
    });
  }

  /**
   * Stores bytes under a fresh blob key with their MD5 (and SHA-256 when declared), and
   * removes them again when they are not what the request declared.
   */
  async putBlob(blob: string, body: Readable, declared: DeclaredDigests): Promise<StorageObjectInfo> {
    // a blob key is a fresh UUID, and no row points to it before the caller's commit
    const info = await this.storage.put(blob, body, { fresh: true, digests: digestsToCompute(declared) });
    try {
      checkDeclared(declared, info.digests ?? {});
    } catch (error) {
      await this.storage.driver.delete(blob).catch(() => {});
      throw error;
    }
    return info;
  }

  /** Makes a stored blob the object at bucket/key; the blob it replaces is removed after commit. */
  async commit(object: S3Object): Promise<S3Object> {
    let old: string | undefined;
    try {
      await this.db.transaction(async (tx) => {
        if (!(await tx.get(`SELECT 1 AS found FROM "_s3_buckets" WHERE "name" = ?`, [object.bucket])))
          throw new S3Error('NoSuchBucket', undefined, object.bucket);
        old = (
          await tx.get<{ blob: string }>(
            `SELECT "blob" FROM "_s3_objects" WHERE "bucket" = ? AND "key" = ?`,
            [object.bucket, object.key],
          )
        )?.blob;
        await tx.run(`DELETE FROM "_s3_objects" WHERE "bucket" = ? AND "key" = ?`, [
          object.bucket,
          object.key,
        ]);
        await tx.run(
          `INSERT INTO "_s3_objects" ("bucket", "key", "blob", "size", "etag", "contentType", "metadata", "modified") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            object.bucket,
            object.key,
            object.blob,
            object.size,
            object.etag,
            object.contentType,
            JSON.stringify(object.metadata),
            object.modified,
          ],
        );
      });
    } catch (error) {
      await this.storage.driver.delete(object.blob).catch(() => {});
      throw error;
    }
    if (old) await this.storage.driver.delete(old).catch(() => {});
    return object;
  }

  /** Removes an object; a missing one is not an error (S3 answers 204 either way). */
  async delete(bucket: string, key: string): Promise<void> {
    const row = await this.db.get<{ blob: string }>(
      `SELECT "blob" FROM "_s3_objects" WHERE "bucket" = ? AND "key" = ?`,
      [bucket, key],
    );
    if (!row) return;
    await this.db.run(`DELETE FROM "_s3_objects" WHERE "bucket" = ? AND "key" = ? AND "blob" = ?`, [
      bucket,
      key,
      row.blob,
    ]);
    await this.storage.driver.delete(row.blob).catch(() => {});
  }

  /** Copies an object (bytes to a new blob), keeping or replacing its type and metadata. */
  async copy(from: S3Object, bucket: string, key: string, replace: ObjectMeta | null): Promise<S3Object> {
    await this.requireBucket(bucket);
    const blob = this.newBlob('objects');
    const info = await this.storage.driver.copy(from.blob, blob);
    if (!info) throw new S3Error('NoSuchKey', undefined, from.key);
    return this.commit({
      ...from,
      bucket,
      key,
      blob,
      contentType: replace?.contentType ?? from.contentType,
      metadata: replace?.metadata ?? from.metadata,
      modified: new Date().toISOString(),
    });
  }

  /** Bytes and objects per bucket. */
  async usage(): Promise<{ bucket: string; bytes: number; objects: number }[]> {
    await this.ready();
    const rows = await this.db.all<{ bucket: string; bytes: number; objects: number }>(
      `SELECT b."name" AS "bucket", COALESCE(SUM(o."size"), 0) AS "bytes", COUNT(o."key") AS "objects" FROM "_s3_buckets" b LEFT JOIN "_s3_objects" o ON o."bucket" = b."name" GROUP BY b."name" ORDER BY b."name"`,
    );
    return rows.map((r) => ({ bucket: r.bucket, bytes: Number(r.bytes), objects: Number(r.objects) }));
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { DeclaredDigests } from './payload-digests.ts';
import { S3Error } from './s3-error.ts';
import type { ObjectMeta, S3Object, S3Store } from './s3-store.ts';

/** Parts other than the last must be at least this big (S3's rule). */
export const MIN_PART_SIZE = 5 << 20;
export const MAX_PARTS = 10000;

export interface UploadRow {
  id: string;
  bucket: string;
  key: string;
  contentType: string;
  metadata: string;
  initiated: string;
}

export interface PartRow {
  uploadId: string;
  partNumber: number;
  blob: string;
  size: number;
  etag: string;
  modified: string;
}

/**
 * Multipart uploads: parts are blobs of their own; completion streams them, in order,
 * into one new blob (never holding a part in memory) and commits it like a PutObject.
 * The ETag is S3's: the MD5 of the parts' binary MD5s, then `-<count>`.
 */
export class S3Multipart {
  readonly #store: S3Store;

  constructor(store: S3Store) {
    this.#store = store;
  }

  async create(bucket: string, key: string, write: ObjectMeta): Promise<string> {
    await this.#store.requireBucket(bucket);
    const id = randomBytes(24).toString('base64url');
    await this.#store.db.run(
      `INSERT INTO "_s3_uploads" ("id", "bucket", "key", "contentType", "metadata", "initiated") VALUES (?, ?, ?, ?, ?, ?)`,
      [id, bucket, key, write.contentType, JSON.stringify(write.metadata), new Date().toISOString()],
    );
    return id;
  }

  async require(bucket: string, key: string, id: string): Promise<UploadRow> {
    const row = await this.#store.db.get<UploadRow>(`SELECT * FROM "_s3_uploads" WHERE "id" = ?`, [id]);
    if (!row || row.bucket !== bucket || row.key !== key) throw new S3Error('NoSuchUpload', undefined, key);
    return row;
  }

  async uploadPart(
    upload: UploadRow,
    partNumber: number,
    body: Readable,
    declared: DeclaredDigests,
  ): Promise<string> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS)
      throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}.`);
    const blob = this.#store.newBlob('parts');
    // blob keys are fresh UUIDs, referenced by no row until the write below
    const info = await this.#store.putBlob(blob, body, declared);
    const etag = `"${info.digests!.md5}"`;
    const db = this.#store.db;
    let old: string | undefined;
    await db
      .transaction(async (tx) => {
        if (!(await tx.get(`SELECT 1 AS found FROM "_s3_uploads" WHERE "id" = ?`, [upload.id])))
          throw new S3Error('NoSuchUpload');
        old = (
          await tx.get<{ blob: string }>(
            `SELECT "blob" FROM "_s3_parts" WHERE "uploadId" = ? AND "partNumber" = ?`,
            [upload.id, partNumber],
          )
        )?.blob;
        await tx.run(`DELETE FROM "_s3_parts" WHERE "uploadId" = ? AND "partNumber" = ?`, [
          upload.id,
          partNumber,
        ]);
        await tx.run(
          `INSERT INTO "_s3_parts" ("uploadId", "partNumber", "blob", "size", "etag", "modified") VALUES (?, ?, ?, ?, ?, ?)`,
          [upload.id, partNumber, blob, info.size, etag, new Date().toISOString()],
        );
      })
      .catch(async (error) => {
        await this.#store.storage.driver.delete(blob).catch(() => {});
        throw error;
      });
    if (old) await this.#store.storage.driver.delete(old).catch(() => {});
    return etag;
  }

  async parts(uploadId: string, after = 0, limit = 1000): Promise<PartRow[]> {
    const rows = await this.#store.db.all<PartRow>(
      `SELECT * FROM "_s3_parts" WHERE "uploadId" = ? AND "partNumber" > ? ORDER BY "partNumber" LIMIT ?`,
      [uploadId, after, limit],
    );
    return rows.map((r) => ({ ...r, partNumber: Number(r.partNumber), size: Number(r.size) }));
  }

  async uploads(bucket: string, prefix: string, limit: number): Promise<UploadRow[]> {
    const rows = await this.#store.db.all<UploadRow>(
      `SELECT * FROM "_s3_uploads" WHERE "bucket" = ? ORDER BY "key", "initiated" LIMIT ?`,
      [bucket, limit + 1000],
    );
    return rows.filter((r) => r.key.startsWith(prefix)).slice(0, limit);
  }

  /** Joins the listed parts into the object; the parts must exist, match their ETags and ascend. */
  async complete(upload: UploadRow, wanted: { partNumber: number; etag: string }[]): Promise<S3Object> {
    if (wanted.length === 0) throw new S3Error('MalformedXML', 'The completion names no parts.');
    const stored = new Map((await this.parts(upload.id, 0, MAX_PARTS)).map((p) => [p.partNumber, p]));
    const chosen: PartRow[] = [];
    wanted.forEach((w, i) => {
      if (i > 0 && w.partNumber <= wanted[i - 1].partNumber) throw new S3Error('InvalidPartOrder');
      const part = stored.get(w.partNumber);
      if (!part || part.etag.replace(/"/g, '') !== w.etag.replace(/"/g, '')) throw new S3Error('InvalidPart');
      chosen.push(part);
    });
    chosen.slice(0, -1).forEach((p) => {
      if (p.size < MIN_PART_SIZE) throw new S3Error('EntityTooSmall');
    });
    const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')));
    const etag = `"${createHash('md5').update(md5s).digest('hex')}-${chosen.length}"`;
    const blob = this.#store.newBlob('objects');
    const info = await this.#store.storage.put(blob, this.#joined(chosen), { fresh: true });
    const object = await this.#store.commit({
      bucket: upload.bucket,
      key: upload.key,
      blob,
      size: info.size,
      etag,
      contentType: upload.contentType,
      metadata: JSON.parse(upload.metadata),
      modified: new Date().toISOString(),
    });
    await this.abort(upload);
    return object;
  }

  /** Forgets an upload and removes its part blobs. */
  async abort(upload: UploadRow): Promise<void> {
    const parts = await this.parts(upload.id, 0, MAX_PARTS);
    await this.#store.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM "_s3_parts" WHERE "uploadId" = ?`, [upload.id]);
      await tx.run(`DELETE FROM "_s3_uploads" WHERE "id" = ?`, [upload.id]);
    });
    for (const part of parts) await this.#store.storage.driver.delete(part.blob).catch(() => {});
  }

  /** The parts' bytes one after another, each read only when the previous one ended. */
  #joined(parts: PartRow[]): Readable {
    const out = new PassThrough();
    (async () => {
      for (const part of parts) {
        const found = await this.#store.storage.driver.get(part.blob);
        if (!found) throw new S3Error('InvalidPart');
        for await (const chunk of found.body) {
          if (out.destroyed) return found.body.destroy();
          if (!out.write(chunk)) await drained(out);
        }
      }
      out.end();
    })().catch((error) => out.destroy(error));
    return out;
  }
}

/** Resolves when a stream wants more data or has closed, leaving no listener behind. */
function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

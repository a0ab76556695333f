import type { Queryable } from '../../db/driver.ts';

/**
 * The S3 endpoint's tables. Object bytes live in the storage driver under opaque blob
 * keys (`_s3/…`); these rows map bucket + key to a blob with its size, MD5 ETag, type
 * and metadata, so any key S3 allows is safe (it never becomes a file path) and
 * listings are index range scans. Created idempotently on first use.
 */
export async function ensureS3Tables(db: Queryable): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS "_s3_keys" (
    "accessKeyId" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "buckets" TEXT NOT NULL DEFAULT '[]',
    "readOnly" INTEGER NOT NULL DEFAULT 0,
    "created" TEXT NOT NULL
  )`);
  await db.run(
    `CREATE TABLE IF NOT EXISTS "_s3_buckets" ("name" TEXT PRIMARY KEY NOT NULL, "created" TEXT NOT NULL)`,
  );
  await db.run(`CREATE TABLE IF NOT EXISTS "_s3_objects" (
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "blob" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "etag" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "modified" TEXT NOT NULL,
    PRIMARY KEY ("bucket", "key")
  )`);
  await db.run(`CREATE INDEX IF NOT EXISTS "_s3_objects_blob_idx" ON "_s3_objects" ("blob")`);
  await db.run(`CREATE TABLE IF NOT EXISTS "_s3_uploads" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "initiated" TEXT NOT NULL
  )`);
  await db.run(`CREATE TABLE IF NOT EXISTS "_s3_parts" (
    "uploadId" TEXT NOT NULL,
    "partNumber" INTEGER NOT NULL,
    "blob" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "etag" TEXT NOT NULL,
    "modified" TEXT NOT NULL,
    PRIMARY KEY ("uploadId", "partNumber")
  )`);
}

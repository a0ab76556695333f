/**
 * The storage driver contract: a flat namespace of objects addressed by keys such as
 * `collectionId/recordId/photo_a1b2c3.png`. Drivers move bytes as streams only; no
 * method may hold a whole object in memory.
 */
import type { Readable } from 'node:stream';

/** What is known about one stored object. */
export interface StorageObjectInfo {
  key: string;
  /** bytes */
  size: number;
  modified: Date;
  /** an opaque, quoted entity tag that changes whenever the content does */
  etag: string;
  /** the MIME type recorded at write time, when the driver keeps one */
  contentType?: string;
  /** user metadata recorded at write time (lower-case names), when the driver keeps it */
  metadata?: Record<string, string>;
  /** from put only: the digests it was asked for (`PutOptions.digests`), of the bytes stored */
  digests?: Digests;
}

/** Hash algorithms a put can compute over the bytes it stores. */
export type DigestName = 'md5' | 'sha256';

/** Hex digests by algorithm. */
export type Digests = Partial<Record<DigestName, string>>;

/**
 * How durable an acknowledged write is, the same profiles as the database's `--db-sync`:
 * `full` survives power loss (file data and the folder holding its name are flushed
 * before a put resolves); `normal` survives a crash of the process (the bytes and the
 * rename only have to reach the OS, whose page cache outlives the process).
 */
export type StorageSync = 'normal' | 'full';

/** Options for a write. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** refuse (StorageError `too_large`) once more than this many bytes arrive; nothing is kept */
  maxSize?: number;
  /**
   * The key is new and nothing reads it before this put resolves (random record file
   * names, S3 blob keys): a driver may then let the object take its name while its
   * bytes are still being flushed, as long as the put resolves only once both are
   * durable. After a power loss during such a put, a partial object may remain under
   * the key, referenced by nothing (the orphan sweep removes it).
   */
  fresh?: boolean;
  /**
   * Digests to compute over the stored bytes (S3 ETags are MD5s), returned in the put's
   * `digests`. The driver computes them where they cost least: the disk driver on a
   * worker thread, reading back what it wrote, so the main thread does not hash.
   */
  digests?: readonly DigestName[];
}

/** An inclusive byte range, as HTTP Range requests name one. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One page of a listing, keys in ascending byte order. */
export interface ListPage {
  items: StorageObjectInfo[];
  /** pass as `after` to read the next page; absent on the last page */
  next?: string;
}

/** What a driver can do beyond the contract's minimum. */
export interface StorageCapabilities {
  /** keeps `contentType` and `metadata` from put and returns them from head/get */
  metadata: boolean;
}

export interface StorageDriver {
  readonly capabilities: StorageCapabilities;
  /**
   * Writes an object atomically: readers see the old object or the whole new one,
   * never a part. When `body` errors or exceeds `maxSize`, nothing is kept and the
   * promise rejects (with StorageError `too_large` for the size case).
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<StorageObjectInfo>;
  /** The object's bytes (the inclusive range when given), or null when it is missing. */
  get(key: string, range?: ByteRange): Promise<{ info: StorageObjectInfo; body: Readable } | null>;
  /** The object's info, or null when it is missing. */
  head(key: string): Promise<StorageObjectInfo | null>;
  /** Removes an object; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Lists objects whose key starts with `prefix`, after the key `after`, at most `limit` (default 1000). */
  list(prefix: string, options?: { after?: string; limit?: number }): Promise<ListPage>;
  /** Copies an object within the driver; resolves null when the source is missing. */
  copy(from: string, to: string): Promise<StorageObjectInfo | null>;
  /** Releases connections and handles. */
  close(): Promise<void>;
}

/** Why a storage operation failed, as a stable code. */
export type StorageErrorCode = 'invalid_key' | 'too_large' | 'unavailable';

/** A typed storage failure; other errors (I/O, network) pass through as they are. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

import { LRUCache } from 'lru-cache';
import type { Readable } from 'node:stream';
import type { S3Endpoint } from './s3-api/index.ts';
import type { PutOptions, StorageDriver, StorageObjectInfo } from './storage-driver.ts';

/** Bytes and object count under a prefix. */
export interface StorageUsage {
  bytes: number;
  objects: number;
}

/**
 * Record files above any driver. Keys follow PocketBase's layout:
 * `collectionId/recordId/name` for a file and `collectionId/recordId/thumbs_name/size_name`
 * for its thumbnails, so everything of a record sits under one prefix.
 */
export class StorageService {
  readonly driver: StorageDriver;
  /** the S3-compatible endpoint over the same driver, or null when it is switched off */
  s3: S3Endpoint | null = null;

  /** detected types by object version (`key` + etag) */
  readonly #types = new LRUCache<string, string>({ max: 1000 });

  constructor(driver: StorageDriver) {
    this.driver = driver;
  }

  /**
   * Remembers the type detected from an object's content (at upload, or when first
   * served), so serving that version again needs no second read of its first bytes.
   */
  rememberType(info: StorageObjectInfo, type: string): void {
    this.#types.set(typeKey(info), type);
  }

  /** The remembered type of this version of an object, if any. */
  knownType(info: StorageObjectInfo): string | undefined {
    return this.#types.get(typeKey(info));
  }

  /** The key of a record's file. */
  fileKey(collectionId: string, recordId: string, name: string): string {
    return `${collectionId}/${recordId}/${name}`;
  }

  /** The key of one thumbnail of a record's file. */
  thumbKey(collectionId: string, recordId: string, name: string, size: string): string {
    return `${collectionId}/${recordId}/thumbs_${name}/${size}_${name}`;
  }

  put(key: string, body: Readable, options?: PutOptions): Promise<StorageObjectInfo> {
    return this.driver.put(key, body, options);
  }

  /** Removes files of a record with their thumbnails; missing ones are fine. */
  async removeFiles(collectionId: string, recordId: string, names: string[]): Promise<void> {
    for (const name of names) {
      await this.driver.delete(this.fileKey(collectionId, recordId, name));
      await this.removePrefix(`${collectionId}/${recordId}/thumbs_${name}/`);
    }
  }

  /** Removes every object under a prefix (a record's folder, a collection's). */
  async removePrefix(prefix: string): Promise<number> {
    let removed = 0;
    for (;;) {
      // deleting shrinks the listing, so each round reads the first page again
      const page = await this.driver.list(prefix, { limit: 1000 });
      for (const item of page.items) await this.driver.delete(item.key);
      removed += page.items.length;
      if (!page.next) return removed;
    }
  }

  /** Every object under a prefix, page by page, without holding the whole listing. */
  async *walk(prefix: string): AsyncGenerator<StorageObjectInfo> {
    let after: string | undefined;
    do {
      const page = await this.driver.list(prefix, { after, limit: 1000 });
      yield* page.items;
      after = page.next;
    } while (after);
  }

  /** Bytes and objects stored under a prefix ('' for everything). */
  async usage(prefix: string): Promise<StorageUsage> {
    const usage = { bytes: 0, objects: 0 };
    for await (const item of this.walk(prefix)) {
      usage.bytes += item.size;
      usage.objects++;
    }
    return usage;
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** One version of an object: its key and ETag. */
function typeKey(info: StorageObjectInfo): string {
  return `${info.key}\n${info.etag}`;
}

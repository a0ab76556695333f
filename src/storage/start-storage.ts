import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import { removeReleasedFiles } from './file-cleanup.ts';
import { openStorage } from './open-storage.ts';
import { createS3Endpoint } from './s3-api/index.ts';
import type { StorageSync } from './storage-driver.ts';
import { StorageService } from './storage-service.ts';

/** What the storage component needs from the app. */
export interface StartStorageOptions {
  /** the storage URL (`file://…`, `s3://…`) */
  url: string;
  /** durability of stored files: the database's sync profile, so a row and its file promise the same */
  sync: StorageSync;
  /** URL path prefix of the S3-compatible endpoint; empty switches it off */
  s3Prefix: string;
  db: DbDriver;
  records: RecordsService;
  /** schema changes: a deleted collection's files go with it */
  collections?: {
    onChange(listener: (change: { action: string; collection: { id: string } }) => void): void;
  };
  logger: Logger;
}

/**
 * Opens the configured storage and ties it to the records service: files a committed
 * change releases are removed after the commit. A failed removal is logged and left
 * to the orphan sweep (`sweepOrphans`), never retried inline.
 */
export async function startStorage(options: StartStorageOptions): Promise<StorageService> {
  const { records, logger } = options;
  const storage = new StorageService(await openStorage(options.url, { sync: options.sync }));
  if (options.s3Prefix) storage.s3 = createS3Endpoint(options.db, storage, options.s3Prefix);
  records.onChange((event) => {
    removeReleasedFiles(storage, event).catch((error) =>
      logger.warn(
        { err: error, record: event.record.id },
        'could not remove released files; the orphan sweep will',
      ),
    );
  });
  options.collections?.onChange((change) => {
    if (change.action !== 'delete') return;
    storage
      .removePrefix(`${change.collection.id}/`)
      .catch((error) =>
        logger.warn(
          { err: error, collection: change.collection.id },
          "could not remove a deleted collection's files; the orphan sweep will",
        ),
      );
  });
  return storage;
}

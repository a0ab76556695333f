import type { Logger } from 'pino';
import type { RecordsService } from '../data/records/records-service.ts';
import { removeReleasedFiles } from './file-cleanup.ts';
import { openStorage } from './open-storage.ts';
import { StorageService } from './storage-service.ts';

/**
 * Opens the configured storage and ties it to the records service: files a committed
 * change releases are removed after the commit. A failed removal is logged and left
 * to the orphan sweep (`sweepOrphans`), never retried inline.
 */
export async function startStorage(
  url: string,
  records: RecordsService,
  logger: Logger,
): Promise<StorageService> {
  const storage = new StorageService(await openStorage(url));
  records.onChange((event) => {
    removeReleasedFiles(storage, event).catch((error) =>
      logger.warn(
        { err: error, record: event.record.id },
        'could not remove released files; the orphan sweep will',
      ),
    );
  });
  return storage;
}

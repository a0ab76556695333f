import type { DbDriver } from '../db/driver.ts';
import type { CollectionRegistry } from '../data/collections/collection-registry.ts';
import { fileNames } from '../data/fields/field-file.ts';
import type { StorageService } from './storage-service.ts';

/** What an orphan sweep found (and removed, unless it was a dry run). */
export interface OrphanReport {
  checked: number;
  orphans: string[];
  bytes: number;
}

/**
 * Finds stored record files that no record owns any more: their collection or record
 * is gone, or the record's file fields no longer name them (a crash between a commit
 * and its file cleanup, a truncated collection, an abandoned upload). Objects younger
 * than `minAgeMs` are left alone, since they may belong to a write still in flight.
 */
export async function sweepOrphans(
  storage: StorageService,
  db: DbDriver,
  registry: CollectionRegistry,
  options: { minAgeMs?: number; dryRun?: boolean } = {},
): Promise<OrphanReport> {
  const cutoff = Date.now() - (options.minAgeMs ?? 3_600_000);
  const report: OrphanReport = { checked: 0, orphans: [], bytes: 0 };
  const owned = new Map<string, Set<string> | null>();
  const q = db.dialect.quote;
  for await (const item of storage.walk('')) {
    report.checked++;
    if (item.modified.getTime() > cutoff) continue;
    if (item.key.startsWith('_s3/')) {
      if (!(await blobReferenced(db, item.key))) {
        report.orphans.push(item.key);
        report.bytes += item.size;
      }
      continue;
    }
    const [collectionId, recordId, entry] = item.key.split('/');
    if (!entry) continue;
    const recordKey = `${collectionId}/${recordId}`;
    if (!owned.has(recordKey)) {
      const collection = registry.byId(collectionId);
      const row = collection
        ? await db.get<Record<string, unknown>>(`SELECT * FROM ${q(collection.name)} WHERE ${q('id')} = ?`, [
            recordId,
          ])
        : undefined;
      const names =
        row && collection
          ? new Set(collection.fields.filter((f) => f.type === 'file').flatMap((f) => fileNames(row[f.name])))
          : null;
      owned.set(recordKey, names);
    }
    const name = entry.startsWith('thumbs_') ? entry.slice('thumbs_'.length) : entry;
    if (owned.get(recordKey)?.has(name)) continue;
    report.orphans.push(item.key);
    report.bytes += item.size;
  }
  if (!options.dryRun) for (const key of report.orphans) await storage.driver.delete(key);
  return report;
}

/** Whether an S3 endpoint blob is still an object or a part (true when the tables are absent: leave it). */
async function blobReferenced(db: DbDriver, blob: string): Promise<boolean> {
  try {
    const row = await db.get(
      `SELECT 1 AS found FROM "_s3_objects" WHERE "blob" = ? UNION ALL SELECT 1 AS found FROM "_s3_parts" WHERE "blob" = ?`,
      [blob, blob],
    );
    return Boolean(row);
  } catch {
    return true;
  }
}

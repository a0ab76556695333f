import type { Collection } from '../data/collection-types.ts';
import { fileNames } from '../data/fields/field-file.ts';
import type { RecordEvent } from '../data/records/records-service.ts';
import type { StorageService } from './storage-service.ts';

/**
 * Files a committed record change leaves without an owner: all of a deleted record's,
 * and the names an update dropped from its file fields. Runs from the records
 * service's after-commit events, so a rolled-back change never loses a file.
 */
export async function removeReleasedFiles(storage: StorageService, event: RecordEvent): Promise<void> {
  const { collection, record } = event;
  if (!hasFileFields(collection)) return;
  const id = String(record.id);
  if (event.action === 'delete') {
    await storage.removePrefix(`${collection.id}/${id}/`);
    return;
  }
  if (event.action !== 'update' || !event.before) return;
  const released: string[] = [];
  for (const field of collection.fields) {
    if (field.type !== 'file') continue;
    const kept = new Set(fileNames(record[field.name]));
    released.push(...fileNames(event.before[field.name]).filter((name) => !kept.has(name)));
  }
  if (released.length) await storage.removeFiles(collection.id, id, released);
}

function hasFileFields(collection: Collection): boolean {
  return collection.fields.some((f) => f.type === 'file');
}

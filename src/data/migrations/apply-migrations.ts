import type { DbDriver } from '../../db/driver.ts';
import type { CollectionsService } from '../collections/collections-service.ts';
import { listMigrationFiles, readMigrationFile } from './migration-files.ts';

/** Which migration files of a folder this database has applied. */
export async function migrationStatus(
  db: DbDriver,
  dir: string,
): Promise<{ name: string; applied: boolean }[]> {
  const done = new Set(
    (await db.all<{ file: string }>(`SELECT "file" FROM "_migrations"`)).map((r) => r.file),
  );
  return (await listMigrationFiles(dir)).map((name) => ({ name, applied: done.has(name) }));
}

/**
 * Applies pending migration files in order, each in one transaction with its ledger
 * entry, so a failure leaves earlier files applied and later ones pending.
 */
export async function applyMigrations(
  db: DbDriver,
  collections: CollectionsService,
  dir: string,
  onProgress?: (done: number, total: number, name: string) => void,
): Promise<{ applied: string[] }> {
  const pending = (await migrationStatus(db, dir)).filter((m) => !m.applied).map((m) => m.name);
  const applied: string[] = [];
  for (const [i, name] of pending.entries()) {
    const file = await readMigrationFile(dir, name);
    try {
      await collections.applyMigration(file.operations, name);
    } catch (error) {
      throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(name);
    onProgress?.(i + 1, pending.length, name);
  }
  return { applied };
}

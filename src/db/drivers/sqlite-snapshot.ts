import { rmSync, statSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import type { SnapshotInfo, SnapshotProgress } from '../driver.ts';
import { toDbError } from './sqlite-connection.ts';

/** Pages copied per backup step: big enough to be quick, small enough to report progress. */
const PAGES_PER_STEP = 1024;

/**
 * Copies the database file `source` to `destination` with SQLite's online backup API
 * while other connections keep writing.
 *
 * The copy is read through a connection of its own that holds one read transaction from
 * start to end. `sqlite3_backup_step` reuses an open read transaction instead of taking a
 * new one per step, so every step sees the same WAL snapshot: the copy is consistent as
 * of the moment that transaction began, and commits by the writer never restart it (which
 * they would do with per-step read locks under a steady write load). The steps run on
 * libuv's thread pool, so the event loop keeps serving.
 */
export async function snapshotSqlite(
  source: string,
  destination: string,
  onProgress?: (progress: SnapshotProgress) => void,
): Promise<SnapshotInfo> {
  const reader = new DatabaseSync(source, { readOnly: true, timeout: 5000 });
  try {
    const pageSize = Number(reader.prepare('PRAGMA page_size').get()?.page_size ?? 4096);
    reader.exec('BEGIN');
    // the first read fixes the snapshot: everything committed before this line is in the copy
    reader.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
    rmSync(destination, { force: true });
    await backup(reader, destination, {
      rate: PAGES_PER_STEP,
      progress: ({ totalPages, remainingPages }) =>
        onProgress?.({ done: (totalPages - remainingPages) * pageSize, total: totalPages * pageSize }),
    });
    reader.exec('COMMIT');
  } catch (err) {
    rmSync(destination, { force: true });
    throw toDbError(err);
  } finally {
    reader.close();
  }
  // a rollback-journal copy is one self-contained file (no -wal/-shm beside it when read);
  // the driver turns WAL back on when it opens a restored copy
  const copy = new DatabaseSync(destination);
  try {
    copy.exec('PRAGMA journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const bytes = statSync(destination).size;
  onProgress?.({ done: bytes, total: bytes });
  return { format: 'sqlite', bytes };
}

/**
 * Opens a snapshot copy read-only and reports what is wrong with it (`PRAGMA
 * integrity_check` when `integrity` is set; empty: sound) and the migrations it records.
 */
export function inspectSqliteSnapshot(
  path: string,
  options: { integrity: boolean },
): { problems: string[]; migrations: string[] } {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (err) {
    return { problems: [`cannot open the database copy: ${(err as Error).message}`], migrations: [] };
  }
  try {
    const problems = options.integrity
      ? db
          .prepare('PRAGMA integrity_check')
          .all()
          .map((r) => String(r.integrity_check))
          .filter((line) => line !== 'ok')
      : [];
    const hasLedger = db.prepare(`SELECT 1 FROM sqlite_schema WHERE name = '_migrations'`).get();
    const migrations = hasLedger
      ? db
          .prepare('SELECT "file" FROM "_migrations" ORDER BY "file"')
          .all()
          .map((r) => String(r.file))
      : [];
    return { problems, migrations };
  } catch (err) {
    return { problems: [`the database copy cannot be read: ${(err as Error).message}`], migrations: [] };
  } finally {
    db.close();
  }
}

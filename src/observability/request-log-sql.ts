import type { DbDriver, SqlValue } from '../db/index.ts';

/**
 * The `_logs` table in PocketBase's shape. Indexes: the primary key (`/api/logs/:id`) and
 * `created` (the default sort, time filters, the hourly stats, retention). Every index is
 * one more b-tree insert per request stored; PocketBase's index on `level` is not kept: the
 * planner scanned by `created` even for `level > 0`, so it cost each insert and helped no
 * query of the logs API. Databases made before are rid of it when opened.
 */
export const LOGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS "_logs" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "level" INTEGER NOT NULL DEFAULT 0,
  "message" TEXT NOT NULL DEFAULT '',
  "data" JSON NOT NULL DEFAULT '{}',
  "created" TEXT NOT NULL DEFAULT '',
  "updated" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS "_logs_idx_created" ON "_logs" ("created");
DROP INDEX IF EXISTS "_logs_idx_level"`;

/** Column order of the row values `decodeLogBatch` answers. */
export const LOG_COLUMNS = ['id', 'level', 'message', 'data', 'created', 'updated'] as const;

/**
 * Page cache of each log database connection: appends touch only the last pages, and logs
 * are read now and then from the dashboard; the main database's 16 MB read cache would be
 * filled by a busy server's logs and kept for good.
 */
export const LOGS_PAGE_CACHE_KIB = 1000;

const ROWS_PER_INSERT = 100;
const INSERT_HEAD = `INSERT INTO "_logs" (${LOG_COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES `;
const ROW_PLACEHOLDERS = `(${LOG_COLUMNS.map(() => '?').join(',')})`;
const placeholders = (rows: number) => Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(',');
const FULL_ROWS = placeholders(ROWS_PER_INSERT);

/** Inserts rows (`LOG_COLUMNS.length` values each) in one transaction, 100 rows per statement. */
export async function insertLogRows(db: DbDriver, values: SqlValue[]): Promise<void> {
  if (values.length === 0) return;
  const chunk = ROWS_PER_INSERT * LOG_COLUMNS.length;
  await db.transaction(async (tx) => {
    for (let from = 0; from < values.length; from += chunk) {
      const params = values.slice(from, from + chunk);
      const rows = params.length / LOG_COLUMNS.length;
      await tx.run(`${INSERT_HEAD}${rows === ROWS_PER_INSERT ? FULL_ROWS : placeholders(rows)}`, params);
    }
  });
}

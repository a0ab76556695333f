/** The public surface of db/: the driver contract, the dialect contract and `openDb`. */
export type { ColumnKind, Dialect } from './dialect.ts';
export type {
  DbCapabilities,
  DbDriver,
  DbErrorCode,
  DbStats,
  Queryable,
  Row,
  RunResult,
  SnapshotInfo,
  SnapshotProgress,
  SqlValue,
} from './driver.ts';
export { DB_ERROR_CODES, DbError } from './driver.ts';
export type { DbLogger, OpenDbOptions } from './open-db.ts';
export { openDb } from './open-db.ts';
export type { SnapshotInspection } from './snapshot-formats.ts';
export { inspectSnapshot, snapshotFormats } from './snapshot-formats.ts';

import type { Dialect } from './dialect.ts';

/** A value that may be bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

/** A row as the driver returns it: column name → value. */
export type Row = Record<string, unknown>;

/** What a write statement reports. */
export interface RunResult {
  /** rows inserted, updated or deleted by the statement */
  changes: number;
}

/**
 * Something SQL runs on: the driver itself for reads, or a transaction handle.
 * SQL uses `?` placeholders on every engine; drivers translate them if their engine
 * spells placeholders differently. Values are always bound, never spliced.
 */
export interface Queryable {
  /** All rows of a query (empty array when none). */
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or `undefined` when none. */
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

/** What an engine can do, so callers test capabilities and never engine names. */
export interface DbCapabilities {
  /** the engine applies many concurrent writers' transactions in one commit */
  groupCommit: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED` is available (job claims) */
  skipLocked: boolean;
  /** DDL runs inside transactions and rolls back with them */
  transactionalDdl: boolean;
  /** `snapshot()` is available: an online, consistent copy of the whole database (backups) */
  snapshot?: boolean;
}

/** How far a snapshot has got, in bytes of the database copied. */
export interface SnapshotProgress {
  done: number;
  total: number;
}

/** What a finished snapshot is: the format a restore needs to read it back. */
export interface SnapshotInfo {
  /** the snapshot's format, e.g. `sqlite` (a database file); restores refuse other formats */
  format: string;
  /** size of the copy in bytes */
  bytes: number;
}

/**
 * The database driver contract. One instance owns every connection to one database.
 *
 * - Reads (`all`/`get` on the driver) see every transaction that has committed before
 *   the read starts.
 * - `transaction(fn)` runs `fn` with a handle whose statements commit together or not at
 *   all. The returned promise resolves only after the commit is durable under the
 *   configured sync profile; if `fn` throws or rejects, its statements are rolled back
 *   and the promise rejects with the same error. Drivers may group several concurrent
 *   transactions into one engine commit (see `capabilities.groupCommit`); each keeps
 *   all-or-nothing semantics of its own.
 * - Engine errors surface as `DbError` with a stable `code`.
 * - `close()` waits for queued transactions to finish, then releases every connection.
 *   It is idempotent.
 */
export interface DbDriver extends Queryable {
  readonly dialect: Dialect;
  readonly capabilities: DbCapabilities;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements of DDL separated by `;` (no parameters), in a transaction. */
  exec(sql: string): Promise<void>;
  /**
   * Writes an online, consistent copy of the whole database to `destinationPath` (a new
   * file; an existing one is replaced). The copy holds every transaction committed before
   * the call and none that commits after its read point is fixed; writes keep running
   * meanwhile. Present when `capabilities.snapshot` is true.
   */
  snapshot?(
    destinationPath: string,
    onProgress?: (progress: SnapshotProgress) => void,
  ): Promise<SnapshotInfo>;
  /** Write-path statistics for metrics: queue depth and the size of the last commit group. */
  stats(): DbStats;
  /**
   * Present on drivers that time each statement where it runs (SQLite: the engine call
   * itself, which finishes before its promise is returned). Metrics then wrap nothing
   * around the statements: timing a statement from outside costs a promise reaction and
   * a microtask each time. Called once; the observer sees every statement from then on.
   */
  observeStatements?(observer: StatementObserver): void;
  close(): Promise<void>;
}

/** The kind of a statement: which `Queryable` method ran it. */
export type StatementKind = 'all' | 'get' | 'run';

/** Told of each statement an engine ran: its kind, its time, and whether it failed. */
export type StatementObserver = (op: StatementKind, seconds: number, failed: boolean) => void;

export interface DbStats {
  queuedTransactions: number;
  commits: number;
  committedTransactions: number;
  lastGroupSize: number;
}

/** Stable codes for engine failures; mapped to HTTP answers in one place (app/errors). */
export const DB_ERROR_CODES = {
  uniqueViolation: 'unique_violation',
  foreignKeyViolation: 'foreign_key_violation',
  busy: 'busy',
  connectionLost: 'connection_lost',
  syntax: 'sql_syntax',
  unknown: 'db_error',
} as const;

export type DbErrorCode = (typeof DB_ERROR_CODES)[keyof typeof DB_ERROR_CODES];

/** An engine failure with a stable code; `cause` keeps the engine's own error. */
export class DbError extends Error {
  readonly code: DbErrorCode;
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbError';
    this.code = code;
  }
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteDialect } from '../dialects/sqlite.ts';
import {
  type DbCapabilities,
  type DbDriver,
  DbError,
  type DbStats,
  type Queryable,
  type Row,
  type RunResult,
  type SnapshotInfo,
  type SnapshotProgress,
  type SqlValue,
  type StatementObserver,
} from '../driver.ts';
import type { DbLogger, OpenDbOptions } from '../open-db.ts';
import { SqliteConnection, toDbError } from './sqlite-connection.ts';
import { snapshotSqlite } from './sqlite-snapshot.ts';
import { type GroupCommitLimits, SqliteWriteQueue } from './sqlite-write-queue.ts';

/** SQLite driver options: the common ones plus group-commit bounds. */
export interface SqliteOptions extends OpenDbOptions {
  groupCommit?: Partial<GroupCommitLimits>;
}

const DEFAULT_LIMITS: GroupCommitLimits = { maxGroupSize: 256, maxGroupMs: 10, slowGroupMs: 1000 };
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Reads get the larger page cache: they are most of the traffic. */
const DEFAULT_READ_CACHE_KIB = 16000;
/**
 * The writer touches few pages per transaction (the right edge of each table, the interior
 * pages of its indexes, one leaf per index) and finds the rest in the OS file cache, so
 * 512 KiB does. Pages are malloc'd one by one and stay with the process even after
 * `PRAGMA shrink_memory` frees them: SQLite's default 2 MB kept ~3 MB more RSS after
 * seeding 100,000 records than 64 KiB did, with the same CPU per insert (~33 µs for an
 * insert and read-back into a 100k-row table with two indexes, 20 per transaction).
 */
const MAX_WRITE_CACHE_KIB = 512;
const silent: DbLogger = { warn() {}, info() {} };

/**
 * Opens a SQLite database file (created with its parent folders when missing) with
 * `node:sqlite`: one writer connection behind a group-commit queue and one read-only
 * connection for reads, both in WAL mode. `':memory:'` gives a private database kept in
 * a temporary file that is deleted on close, so both connections see the same data.
 */
export async function openSqlite(filename: string, options: SqliteOptions = {}): Promise<SqliteDriver> {
  const logger = options.logger ?? silent;
  let tempDir: string | null = null;
  if (filename === ':memory:') {
    tempDir = mkdtempSync(join(tmpdir(), 'basalt-memory-'));
    filename = join(tempDir, 'data.db');
  } else {
    mkdirSync(dirname(filename), { recursive: true });
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const connect = (readOnly: boolean) => {
    try {
      const db = new DatabaseSync(filename, {
        readOnly,
        timeout: busyTimeoutMs,
        enableForeignKeyConstraints: true,
      });
      const conn = new SqliteConnection(db);
      const readCacheKiB = options.pageCacheKiB ?? DEFAULT_READ_CACHE_KIB;
      const cacheKiB = readOnly ? readCacheKiB : Math.min(readCacheKiB, MAX_WRITE_CACHE_KIB);
      const sync = options.sync ?? 'normal';
      configure(
        conn,
        readOnly,
        { sync, busyTimeoutMs, cacheKiB, newFilePageSize: options.newFilePageSize },
        logger,
      );
      return conn;
    } catch (err) {
      throw new DbError(
        'connection_lost',
        `Cannot open the SQLite database at ${filename}: ${err instanceof Error ? err.message : err}. ` +
          'Check that the folder is writable by this process and that the file is a SQLite database, ' +
          'or point the database URL elsewhere (e.g. sqlite://./basalt_data/data.db).',
        { cause: err },
      );
    }
  };
  const writer = connect(false);
  let reader: SqliteConnection;
  try {
    reader = connect(true);
  } catch (err) {
    writer.close();
    throw err;
  }
  logger.info(`opened SQLite database ${filename} (WAL, synchronous=${options.sync ?? 'normal'})`);
  const limits = { ...DEFAULT_LIMITS, ...options.groupCommit };
  return new SqliteDriver({ filename, writer, reader, limits, logger, tempDir });
}

interface ConnectionSettings {
  sync: 'normal' | 'full';
  busyTimeoutMs: number;
  cacheKiB: number;
  newFilePageSize?: number;
}

function configure(
  conn: SqliteConnection,
  readOnly: boolean,
  { sync, busyTimeoutMs, cacheKiB, newFilePageSize }: ConnectionSettings,
  logger: DbLogger,
): void {
  conn.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  // negative: a size in KiB rather than in pages
  conn.exec(`PRAGMA cache_size = ${-Math.max(64, Math.trunc(cacheKiB))}`);
  conn.exec('PRAGMA temp_store = MEMORY');
  if (readOnly) return;
  // only an empty file takes a page size, and only before WAL mode writes its header
  if (newFilePageSize && conn.get<{ page_count: number }>('PRAGMA page_count')?.page_count === 0)
    conn.exec(`PRAGMA page_size = ${Math.trunc(newFilePageSize)}`);
  const mode = conn.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL')?.journal_mode;
  if (mode !== 'wal')
    logger.warn(`SQLite refused WAL mode (journal_mode=${mode}); reads will wait for writes`);
  // WAL + NORMAL survives process crashes; FULL also survives power loss (an fsync per commit)
  conn.exec(`PRAGMA synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  conn.exec('PRAGMA foreign_keys = ON');
  conn.exec('PRAGMA journal_size_limit = 67108864');
}

interface SqliteParts {
  filename: string;
  writer: SqliteConnection;
  reader: SqliteConnection;
  limits: GroupCommitLimits;
  logger: DbLogger;
  tempDir: string | null;
}

/**
 * The SQLite `DbDriver`. Reads outside a transaction go to the read connection and see the
 * last commit; inside a running `transaction` fn, driver calls join that transaction (reads
 * see its own writes, `transaction`/`exec` become nested savepoints). Writes outside a
 * transaction (`run`, `exec`) are transactions of their own.
 */
export class SqliteDriver implements DbDriver {
  readonly dialect = sqliteDialect;
  readonly capabilities: DbCapabilities = {
    groupCommit: true,
    skipLocked: false,
    transactionalDdl: true,
    snapshot: true,
  };
  /** the database file (for `:memory:`, its temporary file) */
  readonly filename: string;
  #writer: SqliteConnection;
  #reader: SqliteConnection;
  #queue: SqliteWriteQueue;
  #logger: DbLogger;
  #tempDir: string | null;
  #closing: Promise<void> | null = null;

  constructor(parts: SqliteParts) {
    this.filename = parts.filename;
    this.#writer = parts.writer;
    this.#reader = parts.reader;
    this.#logger = parts.logger;
    this.#tempDir = parts.tempDir;
    this.#queue = new SqliteWriteQueue(parts.writer, parts.limits, (message) => parts.logger.warn(message));
  }

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const tx = this.#queue.current();
    if (tx) return tx.all<T>(sql, params);
    this.#assertOpen();
    return this.#reader.all<T>(sql, params);
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const tx = this.#queue.current();
    if (tx) return tx.get<T>(sql, params);
    this.#assertOpen();
    return this.#reader.get<T>(sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    const tx = this.#queue.current();
    if (tx) return tx.run(sql, params);
    return this.transaction((tx) => tx.run(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (!this.#queue.current()) this.#assertOpen();
    return this.#queue.transaction(fn);
  }

  async exec(sql: string): Promise<void> {
    await this.transaction(async () => this.#writer.exec(sql));
  }

  stats(): DbStats {
    return this.#queue.stats();
  }

  /** Each connection times its own statements: they run inside the call, before its promise is returned. */
  observeStatements(observer: StatementObserver): void {
    this.#reader.observer = observer;
    this.#writer.observer = observer;
  }

  /**
   * Snapshot hook for backups: runs `fn` between commit groups, with no transaction open
   * and no write able to start until it settles. (A consistent copy can also be taken
   * without pausing writes: `VACUUM INTO ?` through `all` runs on the read connection.)
   */
  async whileWritesPaused<T>(fn: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    return this.#queue.whileWritesPaused(fn);
  }

  /** An online copy of the database file as of the call (see sqlite-snapshot.ts). */
  async snapshot(
    destinationPath: string,
    onProgress?: (progress: SnapshotProgress) => void,
  ): Promise<SnapshotInfo> {
    this.#assertOpen();
    return snapshotSqlite(this.filename, destinationPath, onProgress);
  }

  /** Waits for queued transactions, optimizes, checkpoints the WAL and closes. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    await this.#queue.drained();
    this.#reader.close();
    try {
      this.#writer.exec('PRAGMA optimize');
      this.#writer.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.#logger.warn(`SQLite shutdown maintenance failed (data is safe): ${toDbError(err).message}`);
    }
    this.#writer.close();
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
  }

  #assertOpen(): void {
    if (this.#closing) {
      throw new DbError('connection_lost', `The database ${this.filename} is closed (close() was called).`);
    }
  }
}

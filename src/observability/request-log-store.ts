import { type DbDriver, openDb, type SqlValue } from '../db/index.ts';
import { newSequentialId } from '../lib/random.ts';
import { formatDate, perMillisecond } from '../lib/time.ts';
import type { LogsSettings } from './logs-settings.ts';

/** One stored log entry in PocketBase's `_logs` shape. */
export interface LogEntry {
  level: number;
  message: string;
  data: Record<string, unknown>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS "_logs" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "level" INTEGER NOT NULL DEFAULT 0,
  "message" TEXT NOT NULL DEFAULT '',
  "data" JSON NOT NULL DEFAULT '{}',
  "created" TEXT NOT NULL DEFAULT '',
  "updated" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS "_logs_idx_created" ON "_logs" ("created");
CREATE INDEX IF NOT EXISTS "_logs_idx_level" ON "_logs" ("level")`;

const FLUSH_EVERY_MS = 250;
const FLUSH_AT = 1000;
const ROWS_PER_INSERT = 100;
const COLUMNS = ['id', 'level', 'message', 'data', 'created', 'updated'];
const INSERT_HEAD = `INSERT INTO "_logs" (${COLUMNS.map((c) => `"${c}"`).join(',')}) VALUES `;
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(',')})`;
const placeholders = (rows: number) => Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(',');
const FULL_ROWS = placeholders(ROWS_PER_INSERT);
/** entries held while the log database is slow; past this, new ones are dropped and counted */
const MAX_PENDING = 20_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 5000;
/**
 * Page cache of each log database connection: appends touch only the last pages, and logs
 * are read now and then from the dashboard; the main database's 16 MB read cache would be
 * filled by a busy server's logs and kept for good.
 */
const PAGE_CACHE_KIB = 1000;

/**
 * Request logs in their own SQLite file (`<dir>/auxiliary.db`), so log writes never
 * queue behind application writes. Entries are buffered and written in one transaction
 * every 250 ms (or per 1,000), off the request path; old ones are pruned hourly.
 *
 * An entry becomes its row values when it is queued: one flat list of strings and
 * numbers, rather than entry objects that would keep each request's strings alive until
 * the write. Held that long under load, they outlived the young generation's collections
 * and were copied, then promoted and collected again as old garbage.
 */
export class RequestLogStore {
  readonly db: DbDriver;
  readonly #settings: () => LogsSettings;
  /** the row values of queued entries, COLUMNS.length per entry */
  #pending: SqlValue[] = [];
  /** the stored date of a millisecond (many entries share one) */
  readonly #dateOf = perMillisecond((ms) => formatDate(new Date(ms)));
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout;
  #pruneTimer: NodeJS.Timeout;
  /** entries dropped because the buffer was full */
  dropped = 0;

  constructor(db: DbDriver, settings: () => LogsSettings) {
    this.db = db;
    this.#settings = settings;
    this.#timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref();
    this.#pruneTimer = setInterval(() => void this.prune().catch(() => {}), PRUNE_EVERY_MS).unref();
  }

  /**
   * Whether an entry of `level` is kept (retention on, level, sampling): asked before
   * the entry is built, so a request that is not stored costs nothing more.
   */
  accepts(level: number): boolean {
    const settings = this.#settings();
    if (settings.maxDays === 0 || level < settings.minLevel) return false;
    return level >= 8 || settings.sampleRate >= 1 || Math.random() < settings.sampleRate;
  }

  /** Queues an entry the settings accept (see `accepts`). */
  add(entry: LogEntry): void {
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    const at = Date.now();
    const created = this.#dateOf(at);
    // time-ordered ids append to the primary-key index instead of landing anywhere in it
    const id = newSequentialId(at);
    this.#pending.push(id, entry.level, entry.message, JSON.stringify(entry.data), created, created);
    if (this.pending >= FLUSH_AT) void this.flush();
  }

  /** Writes every queued entry; resolves when they are committed. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write()).catch(() => {});
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#pending.length === 0) return;
    const values = this.#pending;
    this.#pending = [];
    // multi-row INSERTs: one statement per 100 entries instead of one per entry
    const chunk = ROWS_PER_INSERT * COLUMNS.length;
    await this.db.transaction(async (tx) => {
      for (let from = 0; from < values.length; from += chunk) {
        const params = values.slice(from, from + chunk);
        const rows = params.length / COLUMNS.length;
        await tx.run(`${INSERT_HEAD}${rows === ROWS_PER_INSERT ? FULL_ROWS : placeholders(rows)}`, params);
      }
    });
  }

  /**
   * Deletes entries older than `maxDays` (all of them when it is 0), a few thousand per
   * statement with a turn of the event loop between: a busy server logs millions of
   * requests a day, and one DELETE of them all would stall every request meanwhile.
   */
  async prune(now = new Date()): Promise<number> {
    const days = this.#settings().maxDays;
    const before = formatDate(new Date(now.getTime() - days * 86_400_000));
    let removed = 0;
    for (;;) {
      const { changes } = await this.db.run(
        `DELETE FROM "_logs" WHERE rowid IN (SELECT rowid FROM "_logs" WHERE "created" <= ? LIMIT ${PRUNE_CHUNK})`,
        [before],
      );
      removed += changes;
      if (changes < PRUNE_CHUNK) return removed;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.#pending.length / COLUMNS.length;
  }

  /** Writes what is queued, then closes the log database. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#pruneTimer);
    await this.flush();
    await this.db.close();
  }
}

/** Opens (creating if needed) the log database at `url`, e.g. `sqlite:///data/auxiliary.db`. */
export async function openRequestLogStore(
  url: string,
  settings: () => LogsSettings,
): Promise<RequestLogStore> {
  const db = await openDb(url, { sync: 'normal', pageCacheKiB: PAGE_CACHE_KIB });
  await db.exec(SCHEMA);
  const store = new RequestLogStore(db, settings);
  await store.prune();
  return store;
}

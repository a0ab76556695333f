import { type DbDriver, openDb } from '../db/index.ts';
import { newSequentialId } from '../lib/random.ts';
import { formatDate, isoClock, perMillisecond } from '../lib/time.ts';
import type { LogsSettings } from './logs-settings.ts';
import { LogBatch } from './request-log-batch.ts';
import type { QuotedFacts } from './request-log-row.ts';
import { LOGS_PAGE_CACHE_KIB, LOGS_PAGE_SIZE, prepareLogsSchema } from './request-log-sql.ts';
import { inlineLogWriter, LogWorker, type LogWriter } from './request-log-writer.ts';

/** One stored log entry in PocketBase's `_logs` shape. */
export interface LogEntry {
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/** How the store writes; the defaults suit a server, tests move the thresholds. */
export interface RequestLogStoreOptions {
  /**
   * A batch of at least this many entries (one 250 ms window) moves the writes to a worker
   * thread; `Infinity` keeps them on this thread. Default 200 (~800 stored requests/s).
   */
  workerFrom?: number;
  /** The worker thread ends after this long without such a batch. Default 60 s. */
  workerIdleMs?: number;
}

const FLUSH_EVERY_MS = 250;
const FLUSH_AT = 1000;
/** entries held while the log database is slow; past this, new ones are dropped and counted */
const MAX_PENDING = 20_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_CHUNK = 5000;

/**
 * Request logs in their own SQLite file (`<dir>/auxiliary.db`), so log writes never
 * queue behind application writes. Entries are queued (as bytes, see `LogBatch`) and
 * written in one transaction every 250 ms (or per 1,000), off the request path; old
 * ones are pruned hourly.
 *
 * A quiet server writes its batches on the main thread. Once a batch holds 200 entries
 * or more, the writes move to a worker thread with its own connection: inserting a
 * busy server's log costs a few microseconds per request in SQLite, and the WAL
 * checkpoints that follow wait on the disk; on the main thread both hold up every
 * request. The thread (~18 MB of memory) ends after a minute without such a batch.
 * Batches are written one at a time, in order, whichever thread writes them.
 */
export class RequestLogStore {
  /** this thread's connection: schema, retention, reads by the logs API, quiet-time writes */
  readonly db: DbDriver;
  readonly #url: string;
  readonly #settings: () => LogsSettings;
  readonly #inline: LogWriter;
  readonly #workerFrom: number;
  readonly #workerIdleMs: number;
  #worker: LogWorker | null = null;
  /** when a batch last called for the worker */
  #busyAt = 0;
  #batch = new LogBatch();
  /** entries handed to a writer and not yet committed */
  #writing = 0;
  /** the stored date of a millisecond (many entries share one) */
  readonly #dateOf = perMillisecond(isoClock(' '));
  #flushing: Promise<void> = Promise.resolve();
  /** a flush is in the chain and has not taken the batch yet */
  #flushQueued = false;
  #timer: NodeJS.Timeout;
  #pruneTimer: NodeJS.Timeout;
  /** entries dropped because the buffer was full or their write failed */
  dropped = 0;
  /** successful requests not stored because `maxRequestsPerSecond` was reached */
  overRate = 0;
  /** stores the rate bound allows now (a token bucket: refilled continuously, one second's worth at most) */
  #allowance = 0;
  #allowanceAt = 0;

  constructor(db: DbDriver, url: string, settings: () => LogsSettings, options: RequestLogStoreOptions = {}) {
    this.db = db;
    this.#url = url;
    this.#settings = settings;
    this.#inline = inlineLogWriter(db);
    this.#workerFrom = options.workerFrom ?? 200;
    this.#workerIdleMs = options.workerIdleMs ?? 60_000;
    this.#timer = setInterval(() => this.#tick(), FLUSH_EVERY_MS).unref();
    this.#pruneTimer = setInterval(() => void this.prune().catch(() => {}), PRUNE_EVERY_MS).unref();
  }

  /**
   * Whether an entry of `level` is kept (retention on, level, sampling, the rate bound):
   * asked before the entry is built, so a request that is not stored costs nothing more.
   * Errors (level 8) are always kept.
   */
  accepts(level: number): boolean {
    const settings = this.#settings();
    if (settings.maxDays === 0 || level < settings.minLevel) return false;
    if (level >= 8) return true;
    if (settings.sampleRate < 1 && !(Math.random() < settings.sampleRate)) return false;
    return this.#withinRate(settings.maxRequestsPerSecond);
  }

  #withinRate(perSecond: number): boolean {
    if (perSecond <= 0) return true;
    const now = Date.now();
    // an even sample under load: the allowance grows a little every millisecond, rather
    // than the first N of each second being kept
    this.#allowance = Math.min(perSecond, this.#allowance + ((now - this.#allowanceAt) * perSecond) / 1000);
    this.#allowanceAt = now;
    if (this.#allowance < 1) {
      this.overRate++;
      return false;
    }
    this.#allowance -= 1;
    return true;
  }

  /** Queues an entry the settings accept (see `accepts`). */
  add(entry: LogEntry): void {
    if (this.#full()) return;
    const at = Date.now();
    this.#batch.append(
      newSequentialId(at),
      entry.level,
      this.#dateOf(at),
      entry.message,
      JSON.stringify(entry.data),
    );
    this.#queued();
  }

  /**
   * Queues an answered request's entry (accepted, see `accepts`) as its facts: its data
   * and message are made where the batch is written, off the thread that answers requests
   * when it is busy.
   */
  addRequest(level: number, facts: QuotedFacts): void {
    if (this.#full()) return;
    const at = Date.now();
    this.#batch.appendRequest(newSequentialId(at), level, this.#dateOf(at), facts);
    this.#queued();
  }

  #full(): boolean {
    if (this.#batch.count < MAX_PENDING) return false;
    this.dropped++;
    return true;
  }

  #queued(): void {
    if (this.#batch.count >= FLUSH_AT && !this.#flushQueued) void this.flush();
  }

  /** Writes every queued entry; resolves when they are committed (or dropped on failure). */
  flush(): Promise<void> {
    this.#flushQueued = true;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    this.#flushQueued = false;
    const count = this.#batch.count;
    const bytes = this.#batch.take();
    if (!bytes) return;
    this.#writing = count;
    try {
      const writer = await this.#writerFor(count);
      await writer.write(bytes);
    } catch {
      this.dropped += count;
    } finally {
      this.#writing = 0;
    }
  }

  async #writerFor(count: number): Promise<LogWriter> {
    if (count >= this.#workerFrom) this.#busyAt = Date.now();
    if (this.#worker?.alive) return this.#worker;
    this.#worker = null;
    if (count < this.#workerFrom) return this.#inline;
    try {
      this.#worker = await LogWorker.start(this.#url);
      return this.#worker;
    } catch {
      // no thread (e.g. a platform without workers): this thread keeps writing
      return this.#inline;
    }
  }

  #tick(): void {
    void this.flush();
    if (this.#worker && Date.now() - this.#busyAt > this.#workerIdleMs) {
      // after the batches already in the chain, so none is cut off
      this.#flushing = this.#flushing.then(() => this.#stopWorker());
    }
  }

  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.close().catch(() => {});
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
        `DELETE FROM "_logs" WHERE "id" IN (SELECT "id" FROM "_logs" WHERE "created" <= ? LIMIT ${PRUNE_CHUNK})`,
        [before],
      );
      removed += changes;
      if (changes < PRUNE_CHUNK) return removed;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.#batch.count + this.#writing;
  }

  /** Whether a worker thread writes the batches now. */
  get writesInWorker(): boolean {
    return this.#worker !== null;
  }

  /** Writes what is queued, ends the writer thread, then closes the log database. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#pruneTimer);
    await this.flush();
    await this.#stopWorker();
    await this.db.close();
  }
}

/** Opens (creating if needed) the log database at `url`, e.g. `sqlite:///data/auxiliary.db`. */
export async function openRequestLogStore(
  url: string,
  settings: () => LogsSettings,
  options?: RequestLogStoreOptions,
): Promise<RequestLogStore> {
  const db = await openDb(url, {
    sync: 'normal',
    pageCacheKiB: LOGS_PAGE_CACHE_KIB,
    newFilePageSize: LOGS_PAGE_SIZE,
  });
  await prepareLogsSchema(db);
  const store = new RequestLogStore(db, url, settings, options);
  await store.prune();
  return store;
}

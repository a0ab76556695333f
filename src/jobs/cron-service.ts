import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import { ApiError, fieldError } from '../lib/errors.ts';
import {
  type CronRun,
  claimCronRun,
  cronHistory,
  deleteCronRunsBefore,
  finishCronRun,
  lastScheduledRun,
} from './cron-store.ts';

/** What to do on start about a scheduled time that passed while no process ran. */
export type MissedRunPolicy = 'skip' | 'runOnce';

/** Options of `cron.add`. */
export interface CronOptions {
  /** IANA time zone the expression is read in (default: the server's) */
  timezone?: string;
  /** default `skip` */
  missed?: MissedRunPolicy;
}

/** A cron handler; a throw is recorded in the run history. */
export type CronHandler = (run: {
  id: string;
  scheduledAt: Date;
  trigger: CronRun['trigger'];
}) => unknown | Promise<unknown>;

interface Entry {
  id: string;
  expression: string;
  handler: CronHandler;
  options: CronOptions;
  cron: Cron;
  timer: NodeJS.Timeout | null;
}

const HISTORY_MS = 7 * 24 * 3600 * 1000;
// timers longer than this are re-armed instead (setTimeout overflows past ~24.8 days)
const MAX_TIMER_MS = 60 * 60 * 1000;

/**
 * Cron schedules that run once per scheduled time across every process sharing the
 * database: each process keeps its own timer, and at the scheduled time all of them
 * race to insert the (id, time) row in `_cron_runs`; only the winner runs the handler.
 */
export class CronService {
  #logger: Logger | null = null;
  readonly #entries = new Map<string, Entry>();
  readonly #node = `${hostname()}:${process.pid}`;
  readonly #inFlight = new Set<Promise<void>>();
  #db: DbDriver | null = null;
  #started = false;
  #pruner: NodeJS.Timeout | null = null;

  /** Binds the service to the app's database (after the cron tables are migrated). */
  open(db: DbDriver, logger: Logger): void {
    this.#db = db;
    this.#logger = logger;
  }

  get #database(): DbDriver {
    if (!this.#db) throw new Error('The cron service has no database yet: bootstrap the app first.');
    return this.#db;
  }

  /** Adds (or replaces) a schedule. Throws a 400-style error for a bad expression or time zone. */
  add(id: string, expression: string, handler: CronHandler, options: CronOptions = {}): void {
    if (typeof id !== 'string' || id === '')
      throw new ApiError('validation_failed', 'A cron id is required.');
    let cron: Cron;
    try {
      cron = new Cron(expression, { timezone: options.timezone, paused: true });
      cron.nextRun(); // croner checks the time zone only when it first computes a time
    } catch (error) {
      throw new ApiError(
        'validation_failed',
        `Invalid cron expression "${expression}": ${(error as Error).message}`,
        {
          expression: fieldError('validation_invalid_cron', (error as Error).message),
        },
      );
    }
    this.remove(id);
    const entry: Entry = { id, expression, handler, options, cron, timer: null };
    this.#entries.set(id, entry);
    if (this.#started) void this.#begin(entry);
  }

  /** Removes a schedule; answers whether it existed. */
  remove(id: string): boolean {
    const entry = this.#entries.get(id);
    if (entry?.timer) clearTimeout(entry.timer);
    entry?.cron.stop();
    return this.#entries.delete(id);
  }

  /** The schedules, sorted by id, as PocketBase's `/api/crons` lists them. */
  list(): { id: string; expression: string }[] {
    return [...this.#entries.values()]
      .map((e) => ({ id: e.id, expression: e.expression }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Runs a schedule now, outside its timetable (recorded as `manual`); resolves when it finished. */
  async runNow(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) throw new ApiError('not_found', 'Missing or invalid cron job.');
    await this.#fire(entry, Date.now(), 'manual');
  }

  /** Recent runs of a schedule, newest first. */
  history(id: string, limit = 50): Promise<CronRun[]> {
    return cronHistory(this.#database, id, limit);
  }

  /** Starts every schedule's timer (and applies the missed-run policy). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#entries.values()) void this.#begin(entry);
    // run history is kept for a week (an every-second schedule writes 86,400 rows a day)
    const prune = () =>
      void this.prune(Date.now() - HISTORY_MS).catch((e) =>
        this.#logger?.error({ err: e }, 'cron history prune failed'),
      );
    this.#pruner = setInterval(prune, 60 * 60 * 1000);
    this.#pruner.unref();
    prune();
  }

  /** Stops the timers and waits for runs under way. */
  async close(): Promise<void> {
    this.#started = false;
    if (this.#pruner) clearInterval(this.#pruner);
    for (const entry of this.#entries.values()) if (entry.timer) clearTimeout(entry.timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Deletes run history older than `before` (called by the app's retention sweep). */
  prune(before: number): Promise<number> {
    return this.#database.transaction((tx) => deleteCronRunsBefore(tx, before));
  }

  async #begin(entry: Entry): Promise<void> {
    try {
      if (entry.options.missed === 'runOnce') {
        const last = await lastScheduledRun(this.#database, entry.id);
        const due = entry.cron.previousRuns(1, new Date())[0]?.getTime();
        if (last !== null && due !== undefined && due > last) void this.#fire(entry, due, 'missed');
      }
    } catch (error) {
      this.#logger?.error({ err: error, cron: entry.id }, 'could not check missed cron runs');
    }
    this.#arm(entry, Date.now());
  }

  #arm(entry: Entry, after: number): void {
    if (!this.#started || this.#entries.get(entry.id) !== entry) return;
    const next = entry.cron.nextRun(new Date(after))?.getTime();
    if (next === undefined) return;
    const wait = next - Date.now();
    entry.timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) return this.#arm(entry, after);
        void this.#fire(entry, next, 'schedule');
        this.#arm(entry, Math.max(next, Date.now()));
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
    entry.timer.unref();
  }

  #fire(entry: Entry, scheduledAt: number, trigger: CronRun['trigger']): Promise<void> {
    const run = (async () => {
      const db = this.#database;
      const claim = { cronId: entry.id, scheduledAt, trigger, node: this.#node };
      if (!(await db.transaction((tx) => claimCronRun(tx, claim, Date.now())))) return;
      let error: string | null = null;
      try {
        await entry.handler({ id: entry.id, scheduledAt: new Date(scheduledAt), trigger });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        this.#logger?.error({ err: e, cron: entry.id }, 'cron run failed');
      }
      await db.transaction((tx) => finishCronRun(tx, entry.id, scheduledAt, error, Date.now()));
    })().catch((e) => this.#logger?.error({ err: e, cron: entry.id }, 'cron run could not be recorded'));
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
    return run;
  }
}

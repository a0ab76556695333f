import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DbError, type DbStats, type Queryable } from '../driver.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

/** Group commit bounds: a group closes at this many transactions or this long after BEGIN. */
export interface GroupCommitLimits {
  maxGroupSize: number;
  maxGroupMs: number;
  /** a group still open after this long is logged: every other write waits on it */
  slowGroupMs: number;
}

/** Each transaction of a group runs inside this savepoint (one at a time, so one name serves all). */
const GROUP_SAVEPOINT = 'basalt_group';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Job {
  fn: ((tx: Queryable) => Promise<unknown>) | null;
  /** set for `whileWritesPaused` jobs: run between groups, with no transaction open */
  paused: (() => Promise<unknown>) | null;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: Outcome;
}

/** One running transaction function: its handle stays usable only while it runs. */
class TxScope {
  active = true;
  /** nested transactions of this scope run one after another on this chain */
  tail: Promise<unknown> = Promise.resolve();
  readonly handle: Queryable;

  constructor(conn: SqliteConnection) {
    const check = () => {
      if (!this.active) {
        throw new DbError(
          'db_error',
          'A transaction handle was used after its transaction finished; await every statement inside the function passed to transaction().',
        );
      }
    };
    this.handle = {
      all: async (sql, params) => {
        check();
        return conn.all(sql, params);
      },
      get: async (sql, params) => {
        check();
        return conn.get(sql, params);
      },
      run: async (sql, params) => {
        check();
        return conn.run(sql, params);
      },
    };
  }
}

/**
 * The single writer of a SQLite database with group commit. Concurrent `transaction(fn)`
 * calls queue; the writer runs them in groups: BEGIN IMMEDIATE, then each fn, one after
 * another, inside its own SAVEPOINT (released on success, rolled back on throw so only that
 * caller fails), then one COMMIT for the group. Callers settle only after COMMIT returns.
 * A `transaction` call from inside a running fn becomes a nested savepoint of that fn.
 */
export class SqliteWriteQueue {
  #conn: SqliteConnection;
  #limits: GroupCommitLimits;
  #warn: (message: string) => void;
  #scopes = new AsyncLocalStorage<TxScope>();
  #pausedContext = new AsyncLocalStorage<true>();
  #pending: Job[] = [];
  #head = 0;
  #draining: Promise<void> | null = null;
  #savepoints = 0;
  #stats = { commits: 0, committedTransactions: 0, lastGroupSize: 0 };

  constructor(conn: SqliteConnection, limits: GroupCommitLimits, warn: (message: string) => void) {
    this.#conn = conn;
    this.#limits = limits;
    this.#warn = warn;
  }

  /** The handle of the transaction running in the caller's async context, if any. */
  current(): Queryable | undefined {
    const scope = this.#scopes.getStore();
    return scope?.active ? scope.handle : undefined;
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const scope = this.#scopes.getStore();
    if (scope?.active) return this.#nested(scope, fn);
    if (this.#pausedContext.getStore()) {
      // the queue is held by the caller: queuing behind it would never run
      return Promise.reject(
        new DbError('db_error', 'Cannot write from inside whileWritesPaused(): writes are paused.'),
      );
    }
    return this.#enqueue({ fn, paused: null }) as Promise<T>;
  }

  /** Runs `fn` between groups, when no transaction is open and no write can start. */
  whileWritesPaused<T>(fn: () => Promise<T>): Promise<T> {
    return this.#enqueue({ fn: null, paused: fn }) as Promise<T>;
  }

  stats(): DbStats {
    return { queuedTransactions: this.#pending.length - this.#head, ...this.#stats };
  }

  /** Resolves when every queued transaction has settled. */
  async drained(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  #enqueue(job: Omit<Job, 'resolve' | 'reject'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ ...job, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  #next(): Job | undefined {
    return this.#pending[this.#head];
  }

  #take(): Job {
    const job = this.#pending[this.#head++];
    if (this.#head === this.#pending.length || (this.#head > 1024 && this.#head * 2 > this.#pending.length)) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
    return job;
  }

  async #drain(): Promise<void> {
    // Start after pending I/O callbacks have run (setImmediate follows the poll phase), so
    // requests that arrived together join one group and share one COMMIT.
    await nextTurn();
    while (this.#next()) {
      const job = this.#next()!;
      if (job.paused) await this.#runPaused(this.#take());
      else await this.#runGroup();
      // let I/O callbacks (new requests, new writers) in between groups
      if (this.#next()) await nextTurn();
    }
    this.#draining = null;
  }

  async #runPaused(job: Job): Promise<void> {
    try {
      job.resolve(await this.#pausedContext.run(true, job.paused!));
    } catch (err) {
      job.reject(err);
    }
  }

  async #runGroup(): Promise<void> {
    try {
      this.#conn.control('BEGIN IMMEDIATE');
    } catch (err) {
      // the lock is held elsewhere past busy_timeout: fail this group's callers, not the queue
      const group: Job[] = [];
      while (this.#next()?.fn && group.length < this.#limits.maxGroupSize) group.push(this.#take());
      for (const job of group) job.reject(err);
      return;
    }
    const group: Job[] = [];
    const started = performance.now();
    const watchdog = setTimeout(() => {
      this.#warn(
        `the database writer has been in one commit group for over ${this.#limits.slowGroupMs} ms and every other write waits: ` +
          'a transaction function is slow, or awaits something that needs the writer (a transaction not started inside it)',
      );
    }, this.#limits.slowGroupMs).unref();
    try {
      await this.#fillAndCommit(group, started);
    } finally {
      clearTimeout(watchdog);
    }
  }

  async #fillAndCommit(group: Job[], started: number): Promise<void> {
    while (
      this.#next()?.fn &&
      group.length < this.#limits.maxGroupSize &&
      performance.now() - started < this.#limits.maxGroupMs
    ) {
      const job = this.#take();
      group.push(job);
      job.outcome = await this.#runInSavepoint(job.fn!, GROUP_SAVEPOINT);
      if (!this.#conn.db.isTransaction) {
        // the engine rolled back the whole transaction (I/O error, disk full, …)
        return this.#failGroup(
          group,
          job.outcome.ok
            ? new DbError(
                'db_error',
                'The engine rolled back the commit group after an error in another transaction of it; retry.',
              )
            : job.outcome.error,
        );
      }
    }
    try {
      this.#conn.control('COMMIT');
    } catch (err) {
      return this.#failGroup(group, err);
    }
    this.#stats.commits++;
    this.#stats.committedTransactions += group.filter((job) => job.outcome!.ok).length;
    this.#stats.lastGroupSize = group.length;
    for (const job of group) {
      const outcome = job.outcome!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    }
  }

  #failGroup(group: Job[], err: unknown): void {
    if (this.#conn.db.isTransaction) {
      try {
        this.#conn.exec('ROLLBACK');
      } catch {
        // nothing more to undo
      }
    }
    this.#warn(`a commit group of ${group.length} transaction(s) failed and was rolled back: ${String(err)}`);
    for (const job of group) {
      // a caller whose own fn failed keeps its own error; the others get the group's
      if (job.outcome && !job.outcome.ok) job.reject(job.outcome.error);
      else job.reject(err);
    }
  }

  async #nested<T>(parent: TxScope, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const run = parent.tail.then(() => this.#runInSavepoint(fn, `basalt_nested_${++this.#savepoints}`));
    parent.tail = run;
    const outcome = await run;
    if (!outcome.ok) throw outcome.error;
    return outcome.value as T;
  }

  /** The group savepoint's statements are kept compiled; nested ones have one-off names. */
  #control(sql: string, savepoint: string): void {
    if (savepoint === GROUP_SAVEPOINT) this.#conn.control(sql);
    else this.#conn.exec(sql);
  }

  async #runInSavepoint(fn: (tx: Queryable) => Promise<unknown>, name: string): Promise<Outcome> {
    try {
      this.#control(`SAVEPOINT ${name}`, name);
    } catch (error) {
      return { ok: false, error };
    }
    const scope = new TxScope(this.#conn);
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await this.#scopes.run(scope, () => fn(scope.handle)) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // nested transactions the fn started but did not await (they may chain more)
    for (let tail = scope.tail; ; tail = scope.tail) {
      await tail;
      if (tail === scope.tail) break;
    }
    scope.active = false;
    try {
      if (!outcome.ok) this.#control(`ROLLBACK TO ${name}`, name);
      this.#control(`RELEASE ${name}`, name);
    } catch (error) {
      return { ok: false, error: outcome.ok ? error : outcome.error };
    }
    return outcome;
  }
}

import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { DbError, type RunResult, type SqlValue, type StatementKind, type StatementObserver } from '../driver.ts';

/** Prepared statements kept per connection; past this, the least recently used is dropped. */
const STATEMENT_CACHE_SIZE = 500;

/** A cached statement and, when it returns arrays, the names of its result columns in order. */
interface Prepared {
  statement: StatementSync;
  columns: string[] | null;
}

/**
 * One `node:sqlite` connection with a capped cache of prepared statements. Every engine
 * error leaves it as a `DbError`. Rows come back as plain objects; integers as numbers
 * (a value past 2^53 fails rather than silently losing precision).
 *
 * Statements that name their result columns return rows as arrays, and each row object
 * is built here from the column names read once per statement. node:sqlite's own row
 * objects have no prototype and are slow to copy or serialize; built in column order,
 * every row of a statement shares one object shape, and reading, copying and
 * `JSON.stringify` of a row take about half the time (~2 µs instead of ~4 for a view).
 * A statement with a `*` anywhere keeps object rows: SQLite recompiles a cached statement
 * after a schema change, and a `*` may then yield other columns than the ones read at
 * prepare time (the records layer names its columns for this reason).
 */
export class SqliteConnection {
  readonly db: DatabaseSync;
  /** told of every statement run through all/get/run (see `DbDriver.observeStatements`) */
  observer: StatementObserver | null = null;
  #statements = new Map<string, Prepared>();
  #controls = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    const start = this.observer ? performance.now() : 0;
    let prepared: Prepared;
    let rows: unknown[];
    try {
      prepared = this.#prepare(sql);
      rows = prepared.statement.all(...bind(params));
    } catch (err) {
      throw this.#failed('all', start, err);
    }
    const { columns } = prepared;
    const out = new Array<T>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = toRow(columns, rows[i]) as T;
    this.#observe('all', start, false);
    return out;
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    const start = this.observer ? performance.now() : 0;
    let prepared: Prepared;
    let row: unknown;
    try {
      prepared = this.#prepare(sql);
      row = prepared.statement.get(...bind(params));
    } catch (err) {
      throw this.#failed('get', start, err);
    }
    this.#observe('get', start, false);
    return row === undefined ? undefined : (toRow(prepared.columns, row) as T);
  }

  run(sql: string, params: readonly SqlValue[] = []): RunResult {
    const start = this.observer ? performance.now() : 0;
    let result: RunResult;
    try {
      result = { changes: Number(this.#prepare(sql).statement.run(...bind(params)).changes) };
    } catch (err) {
      throw this.#failed('run', start, err);
    }
    this.#observe('run', start, false);
    return result;
  }

  /** A statement's error as a `DbError`, told to the observer first. */
  #failed(op: StatementKind, start: number, err: unknown): DbError {
    this.#observe(op, start, true);
    return toDbError(err);
  }

  #observe(op: StatementKind, start: number, failed: boolean): void {
    if (this.observer) this.observer(op, (performance.now() - start) / 1000, failed);
  }

  /** Runs one or more statements without parameters (DDL, PRAGMA, BEGIN/COMMIT). */
  exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (err) {
      throw toDbError(err, sql);
    }
  }

  /**
   * Runs one fixed statement without parameters (BEGIN, COMMIT, SAVEPOINT x, RELEASE x),
   * compiled once and kept apart from the statement cache: the write queue runs several
   * per transaction, and compiling them each time cost more than running them.
   * Names must come from a small fixed set, or this cache grows without bound.
   */
  control(sql: string): void {
    let statement = this.#controls.get(sql);
    try {
      if (!statement) {
        statement = this.db.prepare(sql);
        this.#controls.set(sql, statement);
      }
      statement.run();
    } catch (err) {
      throw toDbError(err, sql);
    }
  }

  close(): void {
    this.#statements.clear();
    this.#controls.clear();
    if (this.db.isOpen) this.db.close();
  }

  #prepare(sql: string): Prepared {
    const cached = this.#statements.get(sql);
    if (cached) {
      // Re-insert so the Map's order is least → most recently used. Only once the cache is
      // half full: before that nothing can be evicted soon, and the two extra hash lookups
      // were a visible share of every statement's cost.
      if (this.#statements.size * 2 >= STATEMENT_CACHE_SIZE) {
        this.#statements.delete(sql);
        this.#statements.set(sql, cached);
      }
      return cached;
    }
    let prepared: Prepared;
    try {
      const statement = this.db.prepare(sql);
      const named = !sql.includes('*');
      if (named) statement.setReturnArrays(true);
      prepared = { statement, columns: named ? statement.columns().map((column) => column.name) : null };
    } catch (err) {
      throw toDbError(err, sql);
    }
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      this.#statements.delete(this.#statements.keys().next().value!);
    }
    this.#statements.set(sql, prepared);
    return prepared;
  }
}

/** A row as a plain object: built from an array row, or copied from node:sqlite's prototype-less one. */
function toRow(columns: readonly string[] | null, row: unknown): Record<string, unknown> {
  return columns ? rowObject(columns, row as unknown[]) : { ...(row as Record<string, unknown>) };
}

/** A row as a plain object, keys in column order (a repeated name keeps its last value, as SQLite's own objects do). */
function rowObject(columns: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i];
    // assigning `__proto__` would set the prototype; a column of that name stays a plain value
    if (name === '__proto__')
      Object.defineProperty(row, name, {
        value: values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else row[name] = values[i];
  }
  return row;
}

/** node:sqlite binds numbers, strings, bigints, buffers and null; booleans go in as 1/0. */
function bind(params: readonly SqlValue[]): SQLInputValue[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null)));
}

// https://www.sqlite.org/rescode.html
const SQLITE_ERROR = 1;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/**
 * Maps a node:sqlite error (`code: 'ERR_SQLITE_ERROR'`, numeric extended `errcode`) to a
 * `DbError`. `sql` is given only where a statement is compiled, so that SQLITE_ERROR there
 * means the statement itself is wrong (syntax, unknown table or column).
 */
export function toDbError(err: unknown, sql?: string): DbError {
  if (err instanceof DbError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const errcode = (err as { errcode?: unknown })?.errcode;
  if (typeof errcode !== 'number') return new DbError('db_error', message, { cause: err });
  const primary = errcode & 0xff;
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new DbError('unique_violation', message, { cause: err });
  }
  if (errcode === SQLITE_CONSTRAINT_FOREIGNKEY) {
    return new DbError('foreign_key_violation', message, { cause: err });
  }
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
    return new DbError('busy', `${message} (another process holds the database lock)`, { cause: err });
  }
  if (primary === SQLITE_ERROR && sql !== undefined) {
    return new DbError('sql_syntax', `${message} in: ${sql.slice(0, 300)}`, { cause: err });
  }
  return new DbError('db_error', message, { cause: err });
}

import type { DbDriver, Queryable, SqlValue, StatementKind } from '../db/driver.ts';
import type { MetricsService } from './metrics-service.ts';
import type { Tracing } from './tracing.ts';

/**
 * Wraps a database driver so every statement and transaction is timed
 * (`basalt_db_query_duration_seconds{op}`) and, when tracing is on, becomes a span
 * (`db.all`, `db.transaction`, …) under the active request span. Everything else on
 * the driver (capabilities, snapshot, close, …) passes through untouched. A driver that
 * times its own statements (`observeStatements`) reports them itself while tracing is
 * off: the time of the statement on its connection.
 */
export function instrumentDb(driver: DbDriver, metrics: MetricsService, tracing: Tracing): DbDriver {
  const duration = metrics.histogram({
    name: 'db_query_duration_seconds',
    help: 'Time of database statements and whole transactions, by operation.',
    labels: ['op'],
  });
  const errors = metrics.counter({
    name: 'db_errors_total',
    help: 'Database statements that failed, by operation.',
    labels: ['op'],
  });
  registerDbStats(driver, metrics);
  const timers = {
    all: duration.series({ op: 'all' }),
    get: duration.series({ op: 'get' }),
    run: duration.series({ op: 'run' }),
    transaction: duration.series({ op: 'transaction' }),
  };
  const observe = (op: keyof typeof timers, start: number) =>
    duration.observe(timers[op], (performance.now() - start) / 1000);
  // with tracing on, each call runs inside a span (an async wrapper is fine there)
  function traced<T>(op: keyof typeof timers, sql: string | null, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    return tracing.span(`db.${op}`, sql ? { 'db.statement': sql.slice(0, 2000) } : {}, call).then(
      (value) => {
        observe(op, start);
        return value;
      },
      (error) => {
        errors.inc({ op });
        observe(op, start);
        throw error;
      },
    );
  }
  // Without tracing, the caller gets the driver's own promise and the timing hangs off a
  // side branch of it: no wrapper promise, no extra hop before the caller resumes.
  function timedAside<T>(op: keyof typeof timers, start: number, done: Promise<T>): Promise<T> {
    done.then(
      () => observe(op, start),
      () => {
        errors.inc({ op });
        observe(op, start);
      },
    );
    return done;
  }
  // A driver that times its own statements (SQLite) reports them as they run: nothing is
  // wrapped around them then, unless tracing wants a span of each.
  const selfTimed = !tracing.enabled && driver.observeStatements !== undefined;
  if (selfTimed)
    driver.observeStatements!((op, seconds, failed) => {
      if (failed) errors.inc({ op });
      duration.observe(timers[op], seconds);
    });
  const statement = (target: Queryable, op: StatementKind) => {
    // bound once: the driver's methods use its #private fields
    const call = (target[op] as (sql: string, params?: readonly SqlValue[]) => Promise<never>).bind(target);
    if (selfTimed) return call;
    if (tracing.enabled)
      return (sql: string, params?: readonly SqlValue[]) => traced(op, sql, () => call(sql, params));
    return (sql: string, params?: readonly SqlValue[]) => timedAside(op, performance.now(), call(sql, params));
  };
  const wrapTx = (tx: Queryable): Queryable =>
    ({ all: statement(tx, 'all'), get: statement(tx, 'get'), run: statement(tx, 'run') }) as Queryable;
  const transaction = <T>(fn: (tx: Queryable) => Promise<T>) => {
    const call = () => driver.transaction(selfTimed ? fn : (tx) => fn(wrapTx(tx)));
    if (tracing.enabled) return traced('transaction', null, call);
    return timedAside('transaction', performance.now(), call());
  };
  const overrides: Record<string, unknown> = {
    all: statement(driver, 'all'),
    get: statement(driver, 'get'),
    run: statement(driver, 'run'),
    transaction,
  };
  const bound = new Map<PropertyKey, unknown>();
  const rest = new Proxy(driver, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      // methods of a class with #private fields must run with the driver as `this`
      let fn = bound.get(key);
      if (!fn) {
        fn = value.bind(target);
        bound.set(key, fn);
      }
      return fn;
    },
  });
  // the statements and `dialect` are own properties (read on every query, no proxy
  // trap); anything else (stats, close, snapshot, …) falls through to the driver
  return Object.assign(Object.create(rest), {
    ...overrides,
    dialect: driver.dialect,
    capabilities: driver.capabilities,
  });
}

/** Write-queue depth and group-commit figures, read from `stats()` at scrape time. */
function registerDbStats(driver: DbDriver, metrics: MetricsService): void {
  metrics.gauge({
    name: 'db_write_queue_depth',
    help: 'Transactions waiting for the single writer.',
    collect: (g) => g.set(driver.stats().queuedTransactions),
  });
  metrics.gauge({
    name: 'db_last_commit_group_size',
    help: 'Transactions in the most recent group commit.',
    collect: (g) => g.set(driver.stats().lastGroupSize),
  });
  metrics.gauge({
    name: 'db_commits',
    help: 'Engine commits since start (each may carry several transactions).',
    collect: (g) => g.set(driver.stats().commits),
  });
  metrics.gauge({
    name: 'db_committed_transactions',
    help: 'Transactions committed since start; divided by db_commits gives the mean group size.',
    collect: (g) => g.set(driver.stats().committedTransactions),
  });
}

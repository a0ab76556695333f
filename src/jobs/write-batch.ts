import type { DbDriver, Queryable } from '../db/driver.ts';

interface Pending {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces small writes made in the same turn of the event loop (job completions and
 * failures) into one transaction. Each write keeps its own outcome: if the shared
 * transaction fails, every write is retried alone, so one bad write cannot fail the
 * others and no write is applied twice (the shared transaction rolled back entirely).
 */
export class WriteBatch {
  readonly #db: DbDriver;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(db: DbDriver) {
    this.#db = db;
  }

  /** Runs `fn` in the next shared transaction; resolves after that transaction commits. */
  run<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    if (batch.length === 1) {
      const [one] = batch;
      return this.#db.transaction(one.fn).then(one.resolve, one.reject);
    }
    try {
      const results = await this.#db.transaction(async (tx) => {
        const out: unknown[] = [];
        for (const write of batch) out.push(await write.fn(tx));
        return out;
      });
      for (const [i, write] of batch.entries()) write.resolve(results[i]);
    } catch {
      for (const write of batch) await this.#db.transaction(write.fn).then(write.resolve, write.reject);
    }
  }
}

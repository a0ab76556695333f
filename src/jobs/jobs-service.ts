import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import { claimerFor, type JobClaimer } from './job-claimer.ts';
import {
  cancelJob,
  deleteFinishedBefore,
  findJob,
  insertJob,
  listJobs,
  purgeJobs,
  requeueJob,
} from './job-store.ts';
import type {
  EnqueueOptions,
  HandleOptions,
  Job,
  JobHandler,
  JobsPage,
  ListJobsOptions,
} from './job-types.ts';
import { validateEnqueue } from './job-validate.ts';
import { QueueWorker } from './queue-worker.ts';

/** Settings of the jobs service. */
export interface JobsServiceOptions {
  /** how long done and cancelled jobs are kept; default 7 days */
  retentionMs?: number;
  /** longest sleep of an idle worker (jobs enqueued by other processes wait at most this); default 2 s */
  idleMs?: number;
}

/**
 * Durable background jobs in the database. Handlers can be registered before the app
 * opens its database; workers start with `start()` (when the app serves) and stop
 * with `close()`, before the database closes.
 */
export class JobsService {
  readonly #options: JobsServiceOptions;
  readonly #handlers = new Map<string, { handler: JobHandler; options: HandleOptions }>();
  readonly #workers = new Map<string, QueueWorker>();
  #db: DbDriver | null = null;
  #logger: Logger | null = null;
  #claimer: JobClaimer | null = null;
  #started = false;
  #retention: NodeJS.Timeout | null = null;

  constructor(options: JobsServiceOptions = {}) {
    this.#options = options;
  }

  /** Binds the service to the app's database (after the jobs tables are migrated). */
  open(db: DbDriver, logger: Logger): void {
    this.#db = db;
    this.#logger = logger;
    this.#claimer = claimerFor(db);
  }

  get #database(): DbDriver {
    if (!this.#db) throw new Error('The jobs service has no database yet: bootstrap the app first.');
    return this.#db;
  }

  /**
   * Registers the handler of a queue (a job's queue is its name unless enqueued with
   * another). One handler per queue; registering after start starts its workers at once.
   */
  handle(queue: string, handler: JobHandler, options: HandleOptions = {}): void {
    if (this.#handlers.has(queue)) throw new Error(`Queue "${queue}" already has a handler.`);
    this.#handlers.set(queue, { handler, options });
    if (this.#started) this.#startWorker(queue);
  }

  /** Removes a queue's handler (its workers stop; its jobs wait for a new handler). */
  async unhandle(queue: string): Promise<boolean> {
    const worker = this.#workers.get(queue);
    this.#workers.delete(queue);
    const had = this.#handlers.delete(queue);
    await worker?.stop(0);
    return had;
  }

  /** Queues that have a handler in this process. */
  queues(): string[] {
    return [...this.#handlers.keys()];
  }

  /**
   * Adds a job. With `options.tx` the job is written in that transaction and exists
   * only if it commits. With an idempotency key already used, answers the existing job.
   */
  async enqueue(name: string, payload?: unknown, options: EnqueueOptions = {}): Promise<Job> {
    validateEnqueue(name, options);
    const { job } = await insertJob(options.tx ?? this.#database, name, payload ?? null, options, Date.now());
    if (!options.tx) this.#wake(job.queue);
    else if (options.afterCommit) options.afterCommit.push(() => this.#wake(job.queue));
    else setTimeout(() => this.#wake(job.queue), 20).unref();
    return job;
  }

  get(id: string): Promise<Job | null> {
    return findJob(this.#database, id);
  }

  list(options: ListJobsOptions = {}): Promise<JobsPage> {
    return listJobs(this.#database, options);
  }

  /** Re-queues a dead, cancelled or done job with fresh attempts; false if missing or still active. */
  async retry(id: string): Promise<boolean> {
    const ok = await this.#database.transaction((tx) => requeueJob(tx, id, Date.now()));
    if (ok) {
      const job = await this.get(id);
      if (job) this.#wake(job.queue);
    }
    return ok;
  }

  /** Cancels a queued or running job; false if missing or already finished. */
  cancel(id: string): Promise<boolean> {
    return this.#database.transaction((tx) => cancelJob(tx, id, Date.now()));
  }

  /** Deletes jobs in a finished state (dead by default), optionally of one queue. */
  purge(state: 'dead' | 'done' | 'cancelled' = 'dead', queue?: string): Promise<number> {
    return this.#database.transaction((tx) => purgeJobs(tx, state, queue));
  }

  /** Starts the workers of every registered queue and the retention sweep. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const queue of this.#handlers.keys()) this.#startWorker(queue);
    const sweep = () => void this.#sweep();
    this.#retention = setInterval(sweep, 60 * 60 * 1000);
    this.#retention.unref();
    sweep();
  }

  /** Stops claiming and waits up to `timeoutMs` for running jobs (the rest are retried after their lease). */
  async close(timeoutMs = 10_000): Promise<void> {
    this.#started = false;
    if (this.#retention) clearInterval(this.#retention);
    await Promise.all([...this.#workers.values()].map((w) => w.stop(timeoutMs)));
    this.#workers.clear();
  }

  #startWorker(queue: string): void {
    const entry = this.#handlers.get(queue);
    if (!entry || this.#workers.has(queue) || !this.#claimer) return;
    const worker = new QueueWorker({
      db: this.#database,
      claimer: this.#claimer,
      logger: this.#log,
      queue,
      handler: entry.handler,
      concurrency: Math.max(1, entry.options.concurrency ?? 1),
      leaseMs: Math.max(100, entry.options.leaseMs ?? 30_000),
      idleMs: this.#options.idleMs ?? 2000,
    });
    this.#workers.set(queue, worker);
    worker.start();
  }

  get #log(): Logger {
    if (!this.#logger) throw new Error('The jobs service has no logger yet: bootstrap the app first.');
    return this.#logger;
  }

  #wake(queue: string): void {
    this.#workers.get(queue)?.wake();
  }

  /**
   * Retention: deletes done and cancelled jobs that finished more than `retentionMs`
   * before `now` (runs at start and hourly); answers how many. Dead jobs stay.
   */
  async applyRetention(now = Date.now()): Promise<number> {
    const before = now - (this.#options.retentionMs ?? 7 * 24 * 3600 * 1000);
    const removed = await this.#database.transaction((tx) => deleteFinishedBefore(tx, before));
    if (removed) this.#log.info({ removed }, 'finished jobs past retention deleted');
    return removed;
  }

  async #sweep(): Promise<void> {
    try {
      await this.applyRetention();
    } catch (error) {
      this.#log.error({ err: error }, 'job retention sweep failed');
    }
  }
}

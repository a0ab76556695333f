import type { Logger } from 'pino';
import type { DbDriver } from '../db/driver.ts';
import { randomString } from '../lib/random.ts';
import type { JobClaimer } from './job-claimer.ts';
import { completeJob, extendLeases, failJob, nextDueTime, saveProgress } from './job-lease.ts';
import type { Job, JobHandler } from './job-types.ts';
import { WriteBatch } from './write-batch.ts';

/** Settings of one queue's workers in this process. */
export interface QueueWorkerOptions {
  db: DbDriver;
  claimer: JobClaimer;
  logger: Logger;
  queue: string;
  handler: JobHandler;
  concurrency: number;
  leaseMs: number;
  /** longest sleep with nothing due, so jobs enqueued by other processes are seen */
  idleMs: number;
}

interface Held {
  job: Job;
  token: string;
  abort: AbortController;
}

/**
 * Runs one queue's jobs, up to `concurrency` at a time. It sleeps until woken (an
 * enqueue in this process, a finished job) or until its timer fires at the next run-at
 * or lease expiry — never polls in a tight loop. Held jobs get their lease extended
 * every third of the lease; a job whose claim was lost has its signal aborted.
 */
export class QueueWorker {
  readonly #o: QueueWorkerOptions;
  readonly #held = new Map<string, Held>();
  #pumping = false;
  #again = false;
  #stopped = true;
  #timer: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #idle: (() => void) | null = null;
  readonly #writes: WriteBatch;

  constructor(options: QueueWorkerOptions) {
    this.#o = options;
    this.#writes = new WriteBatch(options.db);
  }

  /** Jobs running now in this worker. */
  get running(): number {
    return this.#held.size;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#heartbeat = setInterval(() => void this.#beat(), Math.max(50, Math.floor(this.#o.leaseMs / 3)));
    this.#heartbeat.unref();
    this.wake();
  }

  /** Looks for due jobs now (coalesced with a look already under way). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      // a wake that arrives while we look or compute the timer sets #again: look once more
      do {
        this.#again = false;
        const free = this.#o.concurrency - this.#held.size;
        if (free <= 0) break;
        const token = randomString(20);
        const jobs = await this.#o.claimer.claim({
          queue: this.#o.queue,
          limit: free,
          leaseMs: this.#o.leaseMs,
          token,
          now: Date.now(),
        });
        for (const job of jobs) this.#run(job, token);
        if (jobs.length === free) this.#again = true;
        else if (!this.#again && !this.#stopped) await this.#sleepUntilDue();
      } while (this.#again && !this.#stopped);
    } catch (error) {
      if (this.#stopped) return;
      this.#o.logger.error({ err: error, queue: this.#o.queue }, 'job claim failed; retrying in 1s');
      this.#arm(1000);
    } finally {
      this.#pumping = false;
    }
  }

  async #sleepUntilDue(): Promise<void> {
    const due = await nextDueTime(this.#o.db, this.#o.queue);
    const wait = due === null ? this.#o.idleMs : Math.min(Math.max(due - Date.now(), 5), this.#o.idleMs);
    this.#arm(wait);
  }

  #arm(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.wake(), ms);
    this.#timer.unref();
  }

  #run(job: Job, token: string): void {
    const held: Held = { job, token, abort: new AbortController() };
    this.#held.set(job.id, held);
    const { db } = this.#o;
    const ctx = {
      signal: held.abort.signal,
      progress: (value: unknown) => saveProgress(db, job, token, value, Date.now()),
    };
    void (async () => {
      try {
        const result = await this.#o.handler(job, ctx);
        await this.#writes.run((tx) => completeJob(tx, job, token, result, Date.now()));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        try {
          const outcome = await this.#writes.run((tx) =>
            failJob(tx, job, token, message.slice(0, 2000), Date.now()),
          );
          if (outcome === 'dead')
            this.#o.logger.warn({ job: job.id, queue: job.queue, error: message }, 'job dead-lettered');
        } catch (writeError) {
          // the lease will expire and another attempt will run: the job is not lost
          this.#o.logger.error({ err: writeError, job: job.id }, 'could not record a job failure');
        }
      } finally {
        this.#held.delete(job.id);
        if (this.#held.size === 0) this.#idle?.();
        this.wake();
      }
    })();
  }

  async #beat(): Promise<void> {
    if (this.#held.size === 0) return;
    const byToken = new Map<string, Job[]>();
    for (const h of this.#held.values()) byToken.set(h.token, [...(byToken.get(h.token) ?? []), h.job]);
    try {
      const until = Date.now() + this.#o.leaseMs;
      const lost = await this.#o.db.transaction(async (tx) => {
        const ids: string[] = [];
        for (const [token, jobs] of byToken) ids.push(...(await extendLeases(tx, jobs, token, until)));
        return ids;
      });
      for (const id of lost)
        this.#held.get(id)?.abort.abort(new Error('the job was cancelled or its lease was lost'));
    } catch (error) {
      this.#o.logger.error({ err: error, queue: this.#o.queue }, 'job heartbeat failed');
    }
  }

  /**
   * Stops claiming, then waits up to `timeoutMs` for running jobs. Jobs still running
   * after that are aborted and left to their lease: another worker retries them.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#held.size === 0) return;
    const idle = new Promise<void>((resolve) => {
      this.#idle = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
    for (const h of this.#held.values()) h.abort.abort(new Error('the app is closing'));
  }
}

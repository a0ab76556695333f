import type { Queryable } from '../db/driver.ts';

/** Where a job is in its life. `queued` includes jobs waiting for a retry or a delay. */
export type JobState = 'queued' | 'running' | 'done' | 'dead' | 'cancelled';

/** Every state, for validating filters. */
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead', 'cancelled'];

/** A job as the API and handlers see it. Times are epoch milliseconds. */
export interface Job {
  id: string;
  name: string;
  queue: string;
  payload: unknown;
  state: JobState;
  priority: number;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  idempotencyKey: string | null;
  leaseUntil: number | null;
  progress: unknown;
  result: unknown;
  lastError: string | null;
  created: number;
  updated: number;
  finished: number | null;
}

/** Options of one enqueue. */
export interface EnqueueOptions {
  /** the queue whose workers run it; defaults to the job's name */
  queue?: string;
  /** higher runs first among due jobs; default 0 */
  priority?: number;
  /** run no earlier than this many ms from now */
  delay?: number;
  /** run no earlier than this time (epoch ms or Date); wins over `delay` */
  runAt?: number | Date;
  /** attempts before the job is dead-lettered; default 5 */
  maxAttempts?: number;
  /** first retry delay; later retries double it (with jitter); default 1000 */
  backoffMs?: number;
  /** ceiling of the retry delay; default 1 hour */
  backoffMaxMs?: number;
  /** at most one job ever exists per key; enqueueing it again answers the existing job */
  idempotencyKey?: string;
  /** enqueue inside this transaction: the job exists only if it commits */
  tx?: Queryable;
  /** with `tx`: callbacks run after that transaction commits (wakes the workers at once) */
  afterCommit?: (() => void)[];
}

/** What a handler receives besides the job itself. */
export interface JobContext {
  /** aborted when the job is cancelled, its lease is lost, or the app closes */
  signal: AbortSignal;
  /** records progress (any JSON value) on the job row */
  progress(value: unknown): Promise<void>;
}

/** A job handler; its resolved value is stored as the job's result, a throw is a failed attempt. */
export type JobHandler = (job: Job, ctx: JobContext) => unknown | Promise<unknown>;

/** Options of `jobs.handle`. */
export interface HandleOptions {
  /** jobs of this queue run at most this many at a time in this process; default 1 */
  concurrency?: number;
  /** how long a claim lasts without a heartbeat before another worker may take the job; default 30 s */
  leaseMs?: number;
}

/** Filters of `jobs.list`. */
export interface ListJobsOptions {
  state?: JobState;
  queue?: string;
  name?: string;
  page?: number;
  perPage?: number;
}

/** A page of jobs, in PocketBase's list shape. */
export interface JobsPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: Job[];
}

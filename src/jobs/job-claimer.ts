import type { DbDriver } from '../db/driver.ts';
import type { Job } from './job-types.ts';
import { singleWriterClaimer } from './claimers/single-writer.ts';

/** What one claim asks for. */
export interface ClaimRequest {
  queue: string;
  /** most jobs to take */
  limit: number;
  /** the lease each claimed job gets */
  leaseMs: number;
  /** written on the claimed rows; every later write of this worker is fenced by it */
  token: string;
  now: number;
}

/**
 * The engine-specific step of the queue: atomically move due jobs (and jobs whose lease
 * expired) of one queue to `running` under a new lease, so no two workers anywhere hold
 * the same job. Also dead-letters expired jobs that have no attempts left.
 *
 * How an engine wakes other processes lives here too: `listen` is optional; engines
 * without cross-process notification leave it out and workers fall back to timers.
 */
export interface JobClaimer {
  claim(request: ClaimRequest): Promise<Job[]>;
  /** subscribes to "jobs were enqueued" from other processes (PostgreSQL LISTEN/NOTIFY) */
  listen?(onWake: (queue: string) => void): Promise<() => Promise<void>>;
}

/**
 * Chooses the claim strategy by capability. A database whose writes are serialized
 * (SQLite's single writer) claims with a plain UPDATE … RETURNING in one transaction;
 * engines with `SELECT … FOR UPDATE SKIP LOCKED` need their own claimer, not built yet.
 */
export function claimerFor(db: DbDriver): JobClaimer {
  if (db.capabilities.groupCommit && !db.capabilities.skipLocked) return singleWriterClaimer(db);
  throw new Error(
    'The job queue has no claimer for this database yet: it needs a single-writer engine (SQLite). A FOR UPDATE SKIP LOCKED claimer for PostgreSQL is planned.',
  );
}

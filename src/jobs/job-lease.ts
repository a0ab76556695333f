import type { Queryable } from '../db/driver.ts';
import { afterFailure } from './backoff.ts';
import { toJsonText } from './job-row.ts';
import type { Job } from './job-types.ts';

/*
 * Writes a worker makes while it holds a job. Every one is fenced by the claim token:
 * once the lease is lost (expired and re-claimed, or the job cancelled) the row no
 * longer carries this token and the late write changes nothing.
 */

/** Marks a claimed job done with its result. False when the claim was lost meanwhile. */
export async function completeJob(
  q: Queryable,
  job: Job,
  token: string,
  result: unknown,
  now: number,
): Promise<boolean> {
  const { changes } = await q.run(
    `UPDATE "_jobs" SET "state" = 'done', "result" = ?, "leaseUntil" = NULL, "claimToken" = NULL,
       "finished" = ?, "updated" = ?
     WHERE "id" = ? AND "claimToken" = ? AND "state" = 'running'`,
    [toJsonText(result), now, now, job.id, token],
  );
  return changes > 0;
}

/**
 * Records a failed attempt: back to `queued` with a backoff delay while attempts
 * remain, else `dead`. Answers the outcome, or null when the claim was lost.
 */
export async function failJob(
  q: Queryable,
  job: Job,
  token: string,
  error: string,
  now: number,
  random: () => number = Math.random,
): Promise<'retry' | 'dead' | null> {
  const outcome = afterFailure(job, job.attempts, now, random);
  const { changes } =
    outcome.next === 'retry'
      ? await q.run(
          `UPDATE "_jobs" SET "state" = 'queued', "runAt" = ?, "lastError" = ?, "leaseUntil" = NULL,
             "claimToken" = NULL, "updated" = ?
           WHERE "id" = ? AND "claimToken" = ? AND "state" = 'running'`,
          [outcome.retryAt, error, now, job.id, token],
        )
      : await q.run(
          `UPDATE "_jobs" SET "state" = 'dead', "lastError" = ?, "leaseUntil" = NULL, "claimToken" = NULL,
             "finished" = ?, "updated" = ?
           WHERE "id" = ? AND "claimToken" = ? AND "state" = 'running'`,
          [error, now, now, job.id, token],
        );
  return changes > 0 ? outcome.next : null;
}

/** Extends the lease of running jobs; answers the ids whose claim is no longer held. */
export async function extendLeases(
  q: Queryable,
  jobs: readonly Job[],
  token: string,
  leaseUntil: number,
): Promise<string[]> {
  const lost: string[] = [];
  for (const job of jobs) {
    const { changes } = await q.run(
      `UPDATE "_jobs" SET "leaseUntil" = ? WHERE "id" = ? AND "claimToken" = ? AND "state" = 'running'`,
      [leaseUntil, job.id, token],
    );
    if (changes === 0) lost.push(job.id);
  }
  return lost;
}

/** Stores a running job's progress value. */
export async function saveProgress(
  q: Queryable,
  job: Job,
  token: string,
  value: unknown,
  now: number,
): Promise<void> {
  await q.run(
    `UPDATE "_jobs" SET "progress" = ?, "updated" = ? WHERE "id" = ? AND "claimToken" = ? AND "state" = 'running'`,
    [toJsonText(value), now, job.id, token],
  );
}

/** When the next job of a queue becomes due or a lease runs out (epoch ms), or null when none will. */
export async function nextDueTime(q: Queryable, queue: string): Promise<number | null> {
  const row = await q.get<{ due: number | null; lease: number | null }>(
    `SELECT (SELECT MIN("runAt") FROM "_jobs" WHERE "queue" = ? AND "state" = 'queued') AS due,
            (SELECT MIN("leaseUntil") FROM "_jobs" WHERE "queue" = ? AND "state" = 'running') AS lease`,
    [queue, queue],
  );
  const times = [row?.due, row?.lease].filter((t): t is number => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}

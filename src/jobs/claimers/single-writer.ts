import type { DbDriver } from '../../db/driver.ts';
import type { ClaimRequest, JobClaimer } from '../job-claimer.ts';
import { type JobRow, rowToJob } from '../job-row.ts';

/**
 * Claims for engines whose write transactions never overlap (SQLite: one writer
 * connection per process and BEGIN IMMEDIATE across processes). Inside one write
 * transaction the selection and the update cannot race, so the subquery needs no locks.
 */
export function singleWriterClaimer(db: DbDriver): JobClaimer {
  return {
    async claim({ queue, limit, leaseMs, token, now }: ClaimRequest) {
      const rows = await db.transaction(async (tx) => {
        // a crashed worker's last attempt used the final try: the job is dead, not retried
        await tx.run(
          `UPDATE "_jobs" SET "state" = 'dead', "leaseUntil" = NULL, "claimToken" = NULL,
             "lastError" = COALESCE("lastError", 'lease expired: the worker stopped without finishing'),
             "finished" = ?, "updated" = ?
           WHERE "queue" = ? AND "state" = 'running' AND "leaseUntil" < ? AND "attempts" >= "maxAttempts"`,
          [now, now, queue, now],
        );
        return tx.all<JobRow>(
          `UPDATE "_jobs" SET "state" = 'running', "attempts" = "attempts" + 1, "leaseUntil" = ?,
             "claimToken" = ?, "updated" = ?
           WHERE "id" IN (
             SELECT "id" FROM "_jobs"
             WHERE "queue" = ? AND (("state" = 'queued' AND "runAt" <= ?)
               OR ("state" = 'running' AND "leaseUntil" < ? AND "attempts" < "maxAttempts"))
             ORDER BY "priority" DESC, "runAt", "id" LIMIT ?)
           RETURNING *`,
          [now + leaseMs, token, now, queue, now, now, limit],
        );
      });
      return rows
        .map(rowToJob)
        .sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
    },
  };
}

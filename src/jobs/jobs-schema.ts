import type { Queryable } from '../db/driver.ts';

/** One step of a component's own tables, recorded in `_migrations` as `<prefix>:<name>`. */
export interface TableMigration {
  name: string;
  up(tx: Queryable): Promise<void>;
}

/**
 * Applies a component's own migrations not yet recorded. The ledger is the same
 * `_migrations` table the system migrations use (it exists by the time this runs).
 */
export async function applyTableMigrations(
  tx: Queryable,
  prefix: string,
  steps: readonly TableMigration[],
): Promise<void> {
  for (const step of steps) {
    const file = `${prefix}:${step.name}`;
    if (await tx.get(`SELECT 1 AS found FROM "_migrations" WHERE "file" = ?`, [file])) continue;
    await step.up(tx);
    await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
  }
}

/** The job queue's and cron's tables. Times are epoch ms integers. Append, never edit. */
export const JOBS_MIGRATIONS: readonly TableMigration[] = [
  {
    name: '001_jobs_and_cron_runs',
    async up(tx) {
      await tx.run(`CREATE TABLE IF NOT EXISTS "_jobs" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "name" TEXT NOT NULL,
        "queue" TEXT NOT NULL,
        "payload" TEXT NOT NULL DEFAULT 'null',
        "state" TEXT NOT NULL,
        "priority" INTEGER NOT NULL DEFAULT 0,
        "runAt" INTEGER NOT NULL,
        "attempts" INTEGER NOT NULL DEFAULT 0,
        "maxAttempts" INTEGER NOT NULL,
        "backoffMs" INTEGER NOT NULL,
        "backoffMaxMs" INTEGER NOT NULL,
        "idempotencyKey" TEXT DEFAULT NULL,
        "leaseUntil" INTEGER DEFAULT NULL,
        "claimToken" TEXT DEFAULT NULL,
        "progress" TEXT DEFAULT NULL,
        "result" TEXT DEFAULT NULL,
        "lastError" TEXT DEFAULT NULL,
        "created" INTEGER NOT NULL,
        "updated" INTEGER NOT NULL,
        "finished" INTEGER DEFAULT NULL
      )`);
      // the unique index is what makes idempotency keys hold under concurrent enqueuers
      await tx.run(`CREATE UNIQUE INDEX IF NOT EXISTS "_jobs_key_idx" ON "_jobs" ("idempotencyKey")`);
      await tx.run(`CREATE INDEX IF NOT EXISTS "_jobs_due_idx" ON "_jobs" ("queue", "state", "runAt")`);
      await tx.run(`CREATE INDEX IF NOT EXISTS "_jobs_lease_idx" ON "_jobs" ("state", "leaseUntil")`);
      await tx.run(`CREATE INDEX IF NOT EXISTS "_jobs_finished_idx" ON "_jobs" ("finished")`);
      await tx.run(`CREATE TABLE IF NOT EXISTS "_cron_runs" (
        "cronId" TEXT NOT NULL,
        "scheduledAt" INTEGER NOT NULL,
        "trigger" TEXT NOT NULL,
        "node" TEXT NOT NULL,
        "started" INTEGER NOT NULL,
        "finished" INTEGER DEFAULT NULL,
        "error" TEXT DEFAULT NULL,
        PRIMARY KEY ("cronId", "scheduledAt")
      )`);
    },
  },
];

import type { Queryable } from '../db/driver.ts';

/** One row of the run history. */
export interface CronRun {
  cronId: string;
  scheduledAt: number;
  trigger: 'schedule' | 'missed' | 'manual';
  node: string;
  started: number;
  finished: number | null;
  error: string | null;
}

/**
 * Claims the run of `cronId` at `scheduledAt` for this node. The primary key makes it
 * once-only across every process on the database: exactly one insert wins.
 */
export async function claimCronRun(
  q: Queryable,
  run: Pick<CronRun, 'cronId' | 'scheduledAt' | 'trigger' | 'node'>,
  now: number,
): Promise<boolean> {
  const { changes } = await q.run(
    `INSERT INTO "_cron_runs" ("cronId", "scheduledAt", "trigger", "node", "started")
     VALUES (?, ?, ?, ?, ?) ON CONFLICT ("cronId", "scheduledAt") DO NOTHING`,
    [run.cronId, run.scheduledAt, run.trigger, run.node, now],
  );
  return changes > 0;
}

/** Records how a claimed run ended. */
export async function finishCronRun(
  q: Queryable,
  cronId: string,
  scheduledAt: number,
  error: string | null,
  now: number,
): Promise<void> {
  await q.run(
    `UPDATE "_cron_runs" SET "finished" = ?, "error" = ? WHERE "cronId" = ? AND "scheduledAt" = ?`,
    [now, error, cronId, scheduledAt],
  );
}

/** The latest scheduled (not manual) run time recorded for a cron, or null. */
export async function lastScheduledRun(q: Queryable, cronId: string): Promise<number | null> {
  const row = await q.get<{ at: number | null }>(
    `SELECT MAX("scheduledAt") AS at FROM "_cron_runs" WHERE "cronId" = ? AND "trigger" <> 'manual'`,
    [cronId],
  );
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Recent runs of a cron, newest first. */
export async function cronHistory(q: Queryable, cronId: string, limit: number): Promise<CronRun[]> {
  const rows = await q.all<CronRun>(
    `SELECT * FROM "_cron_runs" WHERE "cronId" = ? ORDER BY "scheduledAt" DESC LIMIT ?`,
    [cronId, limit],
  );
  return rows.map((r) => ({
    ...r,
    scheduledAt: Number(r.scheduledAt),
    started: Number(r.started),
    finished: r.finished === null ? null : Number(r.finished),
  }));
}

/** Deletes history older than `before`. */
export async function deleteCronRunsBefore(q: Queryable, before: number): Promise<number> {
  return (await q.run(`DELETE FROM "_cron_runs" WHERE "scheduledAt" < ?`, [before])).changes;
}

import type { Queryable } from '../db/driver.ts';
import { newRecordId } from '../lib/random.ts';
import { type JobRow, rowToJob, toJsonText } from './job-row.ts';
import type { EnqueueOptions, Job, JobsPage, JobState, ListJobsOptions } from './job-types.ts';

/** Defaults of an enqueue, shared by the service and the HTTP API. */
export const ENQUEUE_DEFAULTS = { maxAttempts: 5, backoffMs: 1000, backoffMaxMs: 3_600_000 } as const;

/**
 * Inserts a job, or answers the existing one when its idempotency key is taken. The
 * unique index decides between concurrent enqueuers: `ON CONFLICT DO NOTHING` lets
 * exactly one insert win, the others read the winner back.
 */
export async function insertJob(
  q: Queryable,
  name: string,
  payload: unknown,
  options: EnqueueOptions,
  now: number,
): Promise<{ job: Job; created: boolean }> {
  const runAt =
    options.runAt !== undefined
      ? Number(options.runAt instanceof Date ? options.runAt.getTime() : options.runAt)
      : now + (options.delay ?? 0);
  // the new row, built here so a created job needs no read back
  const row: JobRow = {
    id: newRecordId(),
    name,
    queue: options.queue ?? name,
    payload: toJsonText(payload),
    state: 'queued',
    priority: options.priority ?? 0,
    runAt,
    attempts: 0,
    maxAttempts: options.maxAttempts ?? ENQUEUE_DEFAULTS.maxAttempts,
    backoffMs: options.backoffMs ?? ENQUEUE_DEFAULTS.backoffMs,
    backoffMaxMs: options.backoffMaxMs ?? ENQUEUE_DEFAULTS.backoffMaxMs,
    idempotencyKey: options.idempotencyKey ?? null,
    leaseUntil: null,
    claimToken: null,
    progress: null,
    result: null,
    lastError: null,
    created: now,
    updated: now,
    finished: null,
  };
  const result = await q.run(
    `INSERT INTO "_jobs" ("id", "name", "queue", "payload", "state", "priority", "runAt", "attempts",
       "maxAttempts", "backoffMs", "backoffMaxMs", "idempotencyKey", "created", "updated")
     VALUES (?, ?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("idempotencyKey") DO NOTHING`,
    [
      row.id,
      row.name,
      row.queue,
      row.payload,
      row.priority,
      row.runAt,
      row.maxAttempts,
      row.backoffMs,
      row.backoffMaxMs,
      row.idempotencyKey,
      now,
      now,
    ],
  );
  if (result.changes > 0) return { job: rowToJob(row), created: true };
  const existing = await q.get<JobRow>(`SELECT * FROM "_jobs" WHERE "idempotencyKey" = ?`, [
    row.idempotencyKey,
  ]);
  if (!existing) throw new Error(`job ${row.id} was neither inserted nor found under its idempotency key`);
  return { job: rowToJob(existing), created: false };
}

/** One job by id, or null. */
export async function findJob(q: Queryable, id: string): Promise<Job | null> {
  const row = await q.get<JobRow>(`SELECT * FROM "_jobs" WHERE "id" = ?`, [id]);
  return row ? rowToJob(row) : null;
}

/** A page of jobs, newest first, filtered by state/queue/name. */
export async function listJobs(q: Queryable, options: ListJobsOptions): Promise<JobsPage> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const key of ['state', 'queue', 'name'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    where.push(`"${key}" = ?`);
    params.push(value);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const page = Math.max(1, options.page ?? 1);
  const perPage = Math.min(Math.max(1, options.perPage ?? 30), 1000);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "_jobs" ${clause}`, params);
  const rows = await q.all<JobRow>(
    `SELECT * FROM "_jobs" ${clause} ORDER BY "created" DESC, "id" DESC LIMIT ? OFFSET ?`,
    [...params, perPage, (page - 1) * perPage],
  );
  const totalItems = Number(total?.n ?? 0);
  return {
    page,
    perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / perPage),
    items: rows.map(rowToJob),
  };
}

/**
 * Puts a dead, cancelled or done job back in the queue with fresh attempts, due now.
 * Answers false when the job is missing or still queued/running.
 */
export async function requeueJob(q: Queryable, id: string, now: number): Promise<boolean> {
  const { changes } = await q.run(
    `UPDATE "_jobs" SET "state" = 'queued', "attempts" = 0, "runAt" = ?, "leaseUntil" = NULL,
       "claimToken" = NULL, "finished" = NULL, "updated" = ?
     WHERE "id" = ? AND "state" IN ('dead', 'cancelled', 'done')`,
    [now, now, id],
  );
  return changes > 0;
}

/**
 * Cancels a queued or running job. A running handler learns it at its next heartbeat
 * (its signal aborts) and its outcome is then ignored. False when already finished.
 */
export async function cancelJob(q: Queryable, id: string, now: number): Promise<boolean> {
  const { changes } = await q.run(
    `UPDATE "_jobs" SET "state" = 'cancelled', "leaseUntil" = NULL, "claimToken" = NULL,
       "finished" = ?, "updated" = ?
     WHERE "id" = ? AND "state" IN ('queued', 'running')`,
    [now, now, id],
  );
  return changes > 0;
}

/** Deletes every job in a finished state (optionally of one queue); answers how many. */
export async function purgeJobs(
  q: Queryable,
  state: Exclude<JobState, 'queued' | 'running'>,
  queue?: string,
): Promise<number> {
  const { changes } = queue
    ? await q.run(`DELETE FROM "_jobs" WHERE "state" = ? AND "queue" = ?`, [state, queue])
    : await q.run(`DELETE FROM "_jobs" WHERE "state" = ?`, [state]);
  return changes;
}

/** Retention: deletes done and cancelled jobs that finished before `before`. Dead jobs stay until purged. */
export async function deleteFinishedBefore(q: Queryable, before: number): Promise<number> {
  const { changes } = await q.run(
    `DELETE FROM "_jobs" WHERE "state" IN ('done', 'cancelled') AND "finished" < ?`,
    [before],
  );
  return changes;
}

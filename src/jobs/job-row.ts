import { parseJsonOr } from '../lib/json.ts';
import type { Job, JobState } from './job-types.ts';

/** A `_jobs` row as the driver returns it. */
export interface JobRow {
  id: string;
  name: string;
  queue: string;
  payload: string;
  state: string;
  priority: number;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  idempotencyKey: string | null;
  leaseUntil: number | null;
  claimToken: string | null;
  progress: string | null;
  result: string | null;
  lastError: string | null;
  created: number;
  updated: number;
  finished: number | null;
}

/** The public form of a row: JSON columns parsed, numbers as numbers, the claim token kept private. */
export function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    queue: row.queue,
    payload: parseJsonOr(row.payload, null),
    state: row.state as JobState,
    priority: Number(row.priority),
    runAt: Number(row.runAt),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.maxAttempts),
    backoffMs: Number(row.backoffMs),
    backoffMaxMs: Number(row.backoffMaxMs),
    idempotencyKey: row.idempotencyKey ?? null,
    leaseUntil: row.leaseUntil === null ? null : Number(row.leaseUntil),
    progress: row.progress === null ? null : parseJsonOr(row.progress, null),
    result: row.result === null ? null : parseJsonOr(row.result, null),
    lastError: row.lastError ?? null,
    created: Number(row.created),
    updated: Number(row.updated),
    finished: row.finished === null ? null : Number(row.finished),
  };
}

/** JSON text of a value for a TEXT column; `undefined` is stored as null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

import type { Queryable } from '../db/index.ts';
import type { MetricsService } from './metrics-service.ts';

/**
 * Job queue gauges read at scrape time from the jobs table (`_jobs`): jobs by queue and
 * state, jobs waiting for a retry after a failure, and the lag of each queue — how long
 * its oldest due job has been waiting. One grouped query per scrape, on the due index.
 */
export function registerJobsMetrics(metrics: MetricsService, db: Queryable): void {
  let snapshot: Promise<JobsSnapshot> | null = null;
  // the three gauges share one query per scrape
  const read = () => {
    snapshot ??= readJobs(db).finally(() => setTimeout(() => (snapshot = null), 0));
    return snapshot;
  };
  metrics.gauge({
    name: 'jobs',
    help: 'Jobs by queue and state (queued, running, done, dead, cancelled).',
    labels: ['queue', 'state'],
    collect: async (g) => {
      g.reset();
      for (const row of (await read()).byState) g.set({ queue: row.queue, state: row.state }, Number(row.n));
    },
  });
  metrics.gauge({
    name: 'jobs_retrying',
    help: 'Queued jobs that failed at least once and wait for their next attempt.',
    labels: ['queue'],
    collect: async (g) => {
      g.reset();
      for (const row of (await read()).retrying) g.set({ queue: row.queue }, Number(row.n));
    },
  });
  metrics.gauge({
    name: 'jobs_lag_seconds',
    help: 'How long the oldest due job of each queue has waited to start.',
    labels: ['queue'],
    collect: async (g) => {
      g.reset();
      const now = Date.now();
      for (const row of (await read()).due)
        g.set({ queue: row.queue }, Math.max(0, (now - Number(row.oldest)) / 1000));
    },
  });
}

interface JobsSnapshot {
  byState: { queue: string; state: string; n: number }[];
  retrying: { queue: string; n: number }[];
  due: { queue: string; oldest: number }[];
}

async function readJobs(db: Queryable): Promise<JobsSnapshot> {
  const [byState, retrying, due] = await Promise.all([
    db.all<{ queue: string; state: string; n: number }>(
      `SELECT "queue", "state", COUNT(*) AS n FROM "_jobs" GROUP BY "queue", "state"`,
    ),
    db.all<{ queue: string; n: number }>(
      `SELECT "queue", COUNT(*) AS n FROM "_jobs" WHERE "state" = 'queued' AND "attempts" > 0 GROUP BY "queue"`,
    ),
    db.all<{ queue: string; oldest: number }>(
      `SELECT "queue", MIN("runAt") AS oldest FROM "_jobs" WHERE "state" = 'queued' AND "runAt" <= ? GROUP BY "queue"`,
      [Date.now()],
    ),
  ]);
  return { byState, retrying, due };
}

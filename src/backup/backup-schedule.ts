import { Cron } from 'croner';

/**
 * The little a backup schedule needs from a cron facility: the app's cron service
 * (which runs a schedule once per cluster) fits it, and `localScheduler` stands in
 * where none is given.
 */
export interface BackupScheduler {
  /** adds or replaces the schedule `id` */
  add(id: string, expression: string, handler: () => unknown): void;
  /** removes the schedule `id`; answers whether it existed */
  remove(id: string): boolean;
}

/** A scheduler on croner timers in this process only; a failed run goes to `onError`. */
export function localScheduler(onError: (err: unknown) => void): BackupScheduler & { stopAll(): void } {
  const jobs = new Map<string, Cron>();
  return {
    add(id, expression, handler) {
      jobs.get(id)?.stop();
      jobs.set(
        id,
        new Cron(expression, { protect: true }, async () => {
          await Promise.resolve().then(handler).catch(onError);
        }),
      );
    },
    remove(id) {
      const job = jobs.get(id);
      job?.stop();
      return jobs.delete(id);
    },
    stopAll() {
      for (const job of jobs.values()) job.stop();
      jobs.clear();
    },
  };
}

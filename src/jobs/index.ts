/** The jobs component: durable queue, workers, cron. Other folders import only this file. */
export { type CronHandler, type CronOptions, CronService, type MissedRunPolicy } from './cron-service.ts';
export type { CronRun } from './cron-store.ts';
export { ENQUEUE_DEFAULTS } from './job-store.ts';
export {
  type EnqueueOptions,
  type HandleOptions,
  type Job,
  type JobContext,
  type JobHandler,
  type JobState,
  type JobsPage,
  JOB_STATES,
  type ListJobsOptions,
} from './job-types.ts';
export { JOBS_MIGRATIONS, applyTableMigrations, type TableMigration } from './jobs-schema.ts';
export { JobsService, type JobsServiceOptions } from './jobs-service.ts';

/**
 * A worker process for the crash tests: `node crash-worker.ts DIR first|second`.
 * `first` enqueues jobs (each twice under its idempotency key) and handles them by
 * writing their effect, then hanging until killed. `second` handles them normally and
 * reports over IPC once every job is done. The effect is keyed by the job's
 * idempotency key, so re-running a job after a crash cannot duplicate it.
 */
import { join } from 'node:path';
import pino from 'pino';
import { createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';

const [dir, phase] = process.argv.slice(2);
const JOBS = 5;
const app = createBasalt({
  config: defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'migrations') }),
  logger: pino({ level: 'silent' }),
});
const send = (message: unknown) => process.send?.(message);

app.jobs.handle(
  'effect',
  async (job) => {
    const key = job.idempotencyKey as string;
    await app.services.db.transaction((tx) =>
      tx.run(
        `INSERT INTO "effects" ("key", "runs") VALUES (?, 1) ON CONFLICT ("key") DO UPDATE SET "runs" = "runs" + 1`,
        [key],
      ),
    );
    send({ started: job.id });
    if (phase === 'first') await new Promise(() => {}); // the process dies here
    return { key };
  },
  { concurrency: JOBS, leaseMs: 1000 },
);

await app.bootstrap();
await app.services.db.exec(
  `CREATE TABLE IF NOT EXISTS "effects" ("key" TEXT PRIMARY KEY, "runs" INTEGER NOT NULL)`,
);
if (phase === 'first') {
  for (let i = 0; i < JOBS; i++) {
    await app.jobs.enqueue('effect', { i }, { idempotencyKey: `effect-${i}` });
    await app.jobs.enqueue('effect', { i, again: true }, { idempotencyKey: `effect-${i}` });
  }
}
await app.serve();
send({ ready: true });
if (phase === 'second') {
  for (;;) {
    const { totalItems } = await app.jobs.list({ state: 'done', queue: 'effect' });
    if (totalItems === JOBS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  send({ allDone: true });
}

/**
 * A process for the cron test: `node cron-worker.ts DIR` serves the data dir with an
 * every-second schedule that records each run it wins in a `ticks` table (no unique
 * key there, so a double run would show as two rows).
 */
import { join } from 'node:path';
import pino from 'pino';
import { createBasalt } from '../../src/app/app.ts';
import { defaultConfig } from '../../src/config/index.ts';

const [dir] = process.argv.slice(2);
const app = createBasalt({
  config: defaultConfig({ http: '127.0.0.1:0', dir, migrationsDir: join(dir, 'migrations') }),
  logger: pino({ level: 'silent' }),
});
app.cron.add('every-second', '* * * * * *', async ({ scheduledAt }) => {
  await app.services.db.transaction((tx) =>
    tx.run(`INSERT INTO "ticks" ("scheduledAt", "pid") VALUES (?, ?)`, [scheduledAt.getTime(), process.pid]),
  );
});
await app.bootstrap();
await app.services.db.exec(
  `CREATE TABLE IF NOT EXISTS "ticks" ("scheduledAt" INTEGER NOT NULL, "pid" INTEGER NOT NULL)`,
);
await app.serve();
process.send?.({ ready: true });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

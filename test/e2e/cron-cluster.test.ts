/**
 * Two processes serving one data dir with the same every-second cron: each scheduled
 * second runs exactly once between them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/process-server.ts';

const WORKER = fileURLToPath(new URL('../jobs/cron-worker.ts', import.meta.url));
const dir = tempDir('basalt-cron-cluster-');
after(() => rmSync(dir, { recursive: true, force: true }));

function startWorker(): Promise<ChildProcess> {
  const child = fork(WORKER, [dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('cron worker did not start in 20 s')), 20_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`cron worker exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  return done;
}

test('an every-second schedule runs once per second across two processes', async () => {
  // the first creates the tables alone, then the second joins
  const a = await startWorker();
  const b = await startWorker();
  await new Promise((r) => setTimeout(r, 4500));
  await Promise.all([stop(a), stop(b)]);

  const db = new DatabaseSync(join(dir, 'data.db'), { readOnly: true });
  try {
    const ticks = db.prepare(`SELECT "scheduledAt", COUNT(*) AS n FROM "ticks" GROUP BY "scheduledAt"`).all();
    assert.ok(ticks.length >= 4, `expected at least 4 scheduled seconds, got ${ticks.length}`);
    for (const tick of ticks) {
      assert.equal(tick.n, 1, `second ${tick.scheduledAt} ran ${tick.n} times`);
      assert.equal(Number(tick.scheduledAt) % 1000, 0, 'runs are keyed by their scheduled second');
    }
    const runs = db
      .prepare(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT "node") AS nodes FROM "_cron_runs" WHERE "cronId" = 'every-second'`,
      )
      .get();
    assert.equal(runs?.n, ticks.length, 'one history row per run');
    const unfinished = db.prepare(`SELECT COUNT(*) AS n FROM "_cron_runs" WHERE "finished" IS NULL`).get();
    assert.equal(unfinished?.n, 0);
  } finally {
    db.close();
  }
});

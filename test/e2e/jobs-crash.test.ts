/**
 * A worker process killed with SIGKILL in the middle of its jobs: after a restart
 * every job completes (none lost), and effects keyed by idempotency key happen once.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/process-server.ts';

const WORKER = fileURLToPath(new URL('../jobs/crash-worker.ts', import.meta.url));
const dir = tempDir('basalt-jobs-crash-');
after(() => rmSync(dir, { recursive: true, force: true }));

function start(phase: string): {
  child: ChildProcess;
  messages: Record<string, unknown>[];
  waitFor: (pred: (m: Record<string, unknown>[]) => boolean) => Promise<void>;
} {
  const child = fork(WORKER, [dir, phase], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: Record<string, unknown>[] = [];
  child.on('message', (m) => messages.push(m as Record<string, unknown>));
  const waitFor = async (pred: (m: Record<string, unknown>[]) => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!pred(messages)) {
      if (child.exitCode !== null) assert.fail(`worker exited early with ${child.exitCode}`);
      if (Date.now() > deadline) assert.fail(`worker did not report in time: ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, messages, waitFor };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

test('SIGKILL mid-job: after restart every job completes once, effects keyed by idempotency key happen once', async () => {
  const first = start('first');
  await first.waitFor((m) => m.filter((x) => x.started).length >= 5);
  first.child.kill('SIGKILL');
  await exited(first.child);

  const second = start('second');
  await second.waitFor((m) => m.some((x) => x.allDone));
  second.child.kill('SIGTERM');
  await exited(second.child);

  const db = new DatabaseSync(join(dir, 'data.db'), { readOnly: true });
  try {
    const jobs = db
      .prepare(`SELECT "state", "attempts", "idempotencyKey" FROM "_jobs" ORDER BY "idempotencyKey"`)
      .all();
    assert.equal(jobs.length, 5, 'one job per idempotency key, none lost');
    for (const job of jobs) {
      assert.equal(job.state, 'done');
      assert.equal(job.attempts, 2, 'the killed attempt counted, the second finished');
    }
    const effects = db.prepare(`SELECT "key", "runs" FROM "effects" ORDER BY "key"`).all();
    assert.deepEqual(
      effects.map((e) => e.key),
      jobs.map((j) => j.idempotencyKey),
    );
    // each handler ran twice (before and after the crash), yet each effect exists once
    for (const effect of effects) assert.equal(effect.runs, 2);
  } finally {
    db.close();
  }
});

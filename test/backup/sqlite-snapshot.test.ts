import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { inspectSnapshot, openDb } from '../../src/db/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'basalt-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SQLite snapshot under a write load holds every write acknowledged before it began', async () => {
  const db = await openDb(`sqlite://${join(dir, 'live.db')}`);
  assert.equal(db.capabilities.snapshot, true);
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  // enough pages that the copy takes several backup steps
  await db.transaction(async (tx) => {
    for (let i = 0; i < 3000; i++) await tx.run('INSERT INTO t (body) VALUES (?)', ['x'.repeat(2000)]);
  });
  let acknowledged = 0;
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      await db.run('INSERT INTO t (body) VALUES (?)', ['during']);
      acknowledged++;
    }
  })();
  await new Promise((r) => setTimeout(r, 30));
  const ackedBefore = acknowledged;
  const steps: number[] = [];
  const info = await db.snapshot!(join(dir, 'copy.db'), (p) => steps.push(p.done));
  const ackedAfter = acknowledged;
  stop = true;
  await writer;
  await db.close();

  assert.ok(ackedAfter > ackedBefore, 'writes kept running during the snapshot');
  assert.equal(info.format, 'sqlite');
  assert.ok(steps.length >= 2, `progress reported per step (${steps.length})`);
  const copy = new DatabaseSync(join(dir, 'copy.db'), { readOnly: true });
  const during = Number(copy.prepare(`SELECT COUNT(*) AS n FROM t WHERE body = 'during'`).get()?.n);
  const integrity = copy.prepare('PRAGMA integrity_check').get()?.integrity_check;
  copy.close();
  assert.equal(integrity, 'ok');
  assert.ok(during >= ackedBefore, `copy has ${during} of the ${ackedBefore} writes acknowledged before it`);
});

test('the integrity check of a copy runs off the main thread and still finds damage', async () => {
  const path = join(dir, 'big-copy.db');
  const db = new DatabaseSync(path);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX t_body ON t (body)');
  // big enough that checking it takes a while: rows made in SQL, random text for the index
  db.exec(`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000)
    INSERT INTO t (body) SELECT hex(randomblob(24)) FROM n`);
  db.close();
  // the longest gap between ticks of the event loop while the check runs
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  const sound = await inspectSnapshot('sqlite', path, { integrity: true });
  const took = performance.now() - started;
  clearInterval(ticker);
  // a loop blocked until now never ticked: its gap runs to the end
  longest = Math.max(longest, performance.now() - last);
  assert.deepEqual(sound.problems, []);
  assert.ok(
    longest < Math.max(100, took / 2),
    `the event loop stalled ${longest.toFixed(0)} ms of ${took.toFixed(0)} ms`,
  );

  // a page overwritten behind SQLite's back is reported
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 200);
  closeSync(fd);
  const damaged = await inspectSnapshot('sqlite', path, { integrity: true });
  assert.ok(damaged.problems.length > 0, 'problems found in a damaged copy');
});

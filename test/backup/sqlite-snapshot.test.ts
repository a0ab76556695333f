import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { openDb } from '../../src/db/index.ts';

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

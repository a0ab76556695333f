import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRetention, type BackupObject } from '../../src/backup/index.ts';

const HOUR = 3600_000;
const start = Date.UTC(2026, 0, 31, 23, 0); // a Saturday, late

/** One backup every 6 hours going back `count` steps, newest first. */
function series(count: number): BackupObject[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `b${String(i).padStart(3, '0')}`,
    size: 1,
    modified: new Date(start - i * 6 * HOUR),
  }));
}

const kept = (backups: BackupObject[], policy: { keepLast: number; keepDaily: number; keepWeekly: number }) =>
  applyRetention(backups, policy).keep.map((b) => b.key);

test('retention keeps the right set', async (t) => {
  const all = series(60); // 15 days, 4 a day
  const cases: Array<[string, { keepLast: number; keepDaily: number; keepWeekly: number }, string[]]> = [
    ['keep last 3', { keepLast: 3, keepDaily: 0, keepWeekly: 0 }, ['b000', 'b001', 'b002']],
    // the newest of each of the last 3 days (4 backups a day: b000, b004, b008)
    ['keep daily 3', { keepLast: 0, keepDaily: 3, keepWeekly: 0 }, ['b000', 'b004', 'b008']],
    // weeks: Sat 31 Jan is in 2026-W05; W04 starts Mon 19 Jan, W03 on Mon 12 Jan
    ['keep weekly 3', { keepLast: 0, keepDaily: 0, keepWeekly: 3 }, ['b000', 'b024', 'b052']],
    ['last 2 + daily 2 overlap', { keepLast: 2, keepDaily: 2, keepWeekly: 0 }, ['b000', 'b001', 'b004']],
    ['nothing kept', { keepLast: 0, keepDaily: 0, keepWeekly: 0 }, []],
    ['more than there are', { keepLast: 100, keepDaily: 0, keepWeekly: 0 }, all.map((b) => b.key)],
  ];
  for (const [name, policy, expected] of cases) {
    await t.test(name, () => assert.deepEqual(kept(all, policy), expected));
  }
});

test('keep and drop partition the backups, whatever order they come in', () => {
  const all = series(20).reverse();
  const { keep, drop } = applyRetention(all, { keepLast: 2, keepDaily: 3, keepWeekly: 1 });
  assert.equal(keep.length + drop.length, all.length);
  assert.deepEqual(
    keep.map((b) => b.key),
    ['b000', 'b001', 'b004', 'b008'],
  );
  assert.ok(!drop.some((b) => keep.includes(b)));
});

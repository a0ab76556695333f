import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoClock, perMillisecond } from '../../src/lib/time.ts';

test('isoClock prints what toISOString prints, across seconds, days and years', () => {
  const iso = isoClock();
  const stored = isoClock(' ');
  const starts = [Date.UTC(2026, 10, 29, 23, 59, 58, 990), Date.UTC(1999, 11, 31, 23, 59, 59, 0), 0, Date.now()];
  for (const start of starts) {
    for (let ms = start; ms < start + 2_500; ms += 7) {
      const expected = new Date(ms).toISOString();
      assert.equal(iso(ms), expected);
      assert.equal(stored(ms), expected.replace('T', ' '));
    }
  }
  // going back in time (a clock step) formats the earlier second again
  assert.equal(iso(Date.UTC(2020, 0, 1, 0, 0, 0, 5)), '2020-01-01T00:00:00.005Z');
});

test('perMillisecond formats a millisecond once and a new one again', () => {
  let calls = 0;
  const format = perMillisecond((ms) => `${++calls}:${ms}`);
  assert.equal(format(1000), '1:1000');
  assert.equal(format(1000), '1:1000');
  assert.equal(format(1001), '2:1001');
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecordId, newSequentialId, randomBelow, randomString } from '../../src/lib/random.ts';

describe('randomBelow', () => {
  it('stays in range, at both ends of the byte pool and above it', () => {
    for (const n of [1, 2, 3, 36, 63, 255, 256, 257, 1000]) {
      for (let i = 0; i < 2000; i++) {
        const value = randomBelow(n);
        assert.ok(Number.isInteger(value) && value >= 0 && value < n, `${value} for n=${n}`);
      }
    }
  });

  it('favours no value (36 values: each drawn near 1/36 of the time)', () => {
    // 72,000 draws: a fair count is 2,000 ± ~46 (one standard deviation); a modulo bias
    // without rejection (256 % 36 = 4 values over-drawn) would put four of them near 2,250
    const counts = new Array(36).fill(0);
    for (let i = 0; i < 72_000; i++) counts[randomBelow(36)]++;
    for (const [value, count] of counts.entries())
      assert.ok(count > 1_800 && count < 2_200, `${value}: ${count}`);
  });
});

describe('record ids and random strings', () => {
  it('makes 15 characters of [a-z0-9], all different', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRecordId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[a-z0-9]{15}$/);
  });

  it('draws from the given alphabet', () => {
    assert.match(randomString(40, 'ab'), /^[ab]{40}$/);
  });
});

describe('sequential ids', () => {
  it('are 15 characters of [a-z0-9] that sort in the order they were made', () => {
    const ids = Array.from({ length: 5000 }, () => newSequentialId());
    for (const id of ids) assert.match(id, /^[a-z0-9]{15}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('never go backwards or repeat when the clock does', () => {
    const later = newSequentialId(Date.now() + 60_000);
    const earlier = newSequentialId(Date.now());
    assert.ok(earlier > later, `${earlier} should sort after ${later}`);
  });

  it('carry into the next millisecond after 36^3 ids in one', () => {
    const at = Date.now() + 120_000;
    const ids = Array.from({ length: 46_700 }, () => newSequentialId(at));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });
});

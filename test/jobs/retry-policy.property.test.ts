/**
 * Property test of the retry policy on the real queue tables and claim SQL, with a
 * virtual clock: for any failure count, max attempts and backoff settings, a job is
 * attempted exactly min(failures + 1, maxAttempts) times, is never claimable before its
 * retry time nor retried sooner than half the nominal backoff, and ends `done` exactly
 * when it succeeded within its attempts, `dead` otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { DbDriver } from '../../src/db/driver.ts';
import { openDb } from '../../src/db/index.ts';
import { applySystemMigrations } from '../../src/data/system-schema.ts';
import { minRetryDelay } from '../../src/jobs/backoff.ts';
import { singleWriterClaimer } from '../../src/jobs/claimers/single-writer.ts';
import { completeJob, failJob } from '../../src/jobs/job-lease.ts';
import { insertJob } from '../../src/jobs/job-store.ts';
import { applyTableMigrations, JOBS_MIGRATIONS } from '../../src/jobs/index.ts';

let dir: string;
let db: DbDriver;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'basalt-retry-prop-'));
  db = await openDb(`sqlite://${join(dir, 'data.db')}`);
  await db.transaction(async (tx) => {
    await applySystemMigrations(tx);
    await applyTableMigrations(tx, 'jobs', JOBS_MIGRATIONS);
  });
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

let caseNo = 0;

test('attempt counts, retry times and final state follow the policy', async () => {
  const claimer = singleWriterClaimer(db);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 0, max: 20_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      async (failures, maxAttempts, backoffMs, backoffMaxMs, jitter) => {
        const queue = `prop-${caseNo++}`;
        let now = 1_000_000;
        const { job } = await insertJob(
          db,
          'prop',
          null,
          { queue, maxAttempts, backoffMs, backoffMaxMs },
          now,
        );
        let attempts = 0;
        for (;;) {
          const claimed = await claimer.claim({
            queue,
            limit: 5,
            leaseMs: 60_000,
            token: `t${attempts}`,
            now,
          });
          assert.equal(claimed.length, 1, 'a due job is claimable');
          const held = claimed[0];
          attempts++;
          assert.equal(held.id, job.id);
          assert.equal(held.attempts, attempts, 'attempts count claims');
          if (attempts > failures) {
            assert.ok(await db.transaction((tx) => completeJob(tx, held, `t${attempts - 1}`, 'ok', now)));
            break;
          }
          const outcome = await db.transaction((tx) =>
            failJob(tx, held, `t${attempts - 1}`, 'fail', now, () => jitter),
          );
          if (outcome === 'dead') break;
          assert.equal(outcome, 'retry');
          const row = await db.get<{ runAt: number }>(`SELECT "runAt" FROM "_jobs" WHERE "id" = ?`, [job.id]);
          const retryAt = Number(row?.runAt);
          const policy = { backoffMs, backoffMaxMs };
          assert.ok(
            retryAt - now >= minRetryDelay(policy, attempts),
            'no retry sooner than half the nominal delay',
          );
          assert.ok(
            retryAt - now <= Math.min(backoffMs * 2 ** (attempts - 1), backoffMaxMs),
            'no later than the nominal delay',
          );
          if (retryAt > now) {
            const early = await claimer.claim({
              queue,
              limit: 5,
              leaseMs: 60_000,
              token: 'early',
              now: retryAt - 1,
            });
            assert.equal(early.length, 0, 'not claimable before its retry time');
          }
          now = retryAt;
        }
        const final = await db.get<{ state: string; attempts: number }>(
          `SELECT "state", "attempts" FROM "_jobs" WHERE "id" = ?`,
          [job.id],
        );
        assert.equal(final?.attempts, Math.min(failures + 1, maxAttempts), 'attempt count');
        assert.equal(
          final?.state,
          failures < maxAttempts ? 'done' : 'dead',
          'dead letter only when attempts ran out',
        );
        const again = await claimer.claim({
          queue,
          limit: 5,
          leaseMs: 60_000,
          token: 'after',
          now: now + 10 ** 9,
        });
        assert.equal(again.length, 0, 'a finished job is never claimed again');
      },
    ),
    { numRuns: 150 },
  );
});

test('an expired lease is retried while attempts remain, then dead-lettered', async () => {
  const claimer = singleWriterClaimer(db);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 5 }), async (maxAttempts) => {
      const queue = `lease-${caseNo++}`;
      let now = 5_000_000;
      const { job } = await insertJob(db, 'lease', null, { queue, maxAttempts }, now);
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const claimed = await claimer.claim({ queue, limit: 1, leaseMs: 1000, token: `c${attempt}`, now });
        assert.equal(claimed.length, 1);
        assert.equal(claimed[0].attempts, attempt);
        // still leased: nobody else may take it
        assert.equal(
          (await claimer.claim({ queue, limit: 1, leaseMs: 1000, token: 'x', now: now + 999 })).length,
          0,
        );
        now += 1001; // the worker "crashed": the lease runs out
      }
      assert.equal((await claimer.claim({ queue, limit: 1, leaseMs: 1000, token: 'last', now })).length, 0);
      const final = await db.get<{ state: string }>(`SELECT "state" FROM "_jobs" WHERE "id" = ?`, [job.id]);
      assert.equal(final?.state, 'dead');
    }),
    { numRuns: 20 },
  );
});

/**
 * 10,000 jobs whose handler fails at random: every job ends done or dead-lettered in
 * bounded time, none lost or stuck, and no job ever runs more often than it was claimed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

test('10,000 jobs with random failures all end done or dead, none lost or stuck', async () => {
  const TOTAL = 10_000;
  const calls = new Map<string, number>();
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  server.app.jobs.handle(
    'random-fail',
    (job) => {
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      if (random() < 0.4) throw new Error('random failure');
    },
    { concurrency: 64 },
  );
  const ids: string[] = [];
  for (let start = 0; start < TOTAL; start += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, TOTAL - start) }, (_, i) =>
        server.app.jobs.enqueue(
          'random-fail',
          { n: start + i },
          { maxAttempts: 3, backoffMs: 1, backoffMaxMs: 5 },
        ),
      ),
    );
    ids.push(...batch.map((j) => j.id));
  }
  assert.equal(new Set(ids).size, TOTAL);

  const { db } = server.app.services;
  const deadline = Date.now() + 120_000;
  let counts: Record<string, number> = {};
  for (;;) {
    const rows = await db.all<{ state: string; n: number }>(
      `SELECT "state", COUNT(*) AS n FROM "_jobs" GROUP BY "state"`,
    );
    counts = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    if ((counts.done ?? 0) + (counts.dead ?? 0) === TOTAL) break;
    assert.ok(Date.now() < deadline, `jobs stuck after 120 s: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(counts.queued ?? 0, 0);
  assert.equal(counts.running ?? 0, 0);
  assert.ok((counts.dead ?? 0) > 0 && (counts.done ?? 0) > 0, JSON.stringify(counts));

  const rows = await db.all<{ id: string; state: string; attempts: number }>(
    `SELECT "id", "state", "attempts" FROM "_jobs"`,
  );
  assert.equal(rows.length, TOTAL);
  for (const row of rows) {
    assert.equal(
      calls.get(row.id),
      Number(row.attempts),
      `job ${row.id}: handler calls equal recorded attempts`,
    );
    if (row.state === 'dead') assert.equal(Number(row.attempts), 3);
    else assert.ok(Number(row.attempts) <= 3);
  }
  // the HTTP view agrees with the table
  const token = (await server.superuser()).authStore.token;
  const dead = await http(server.url, 'GET', '/api/basalt/jobs?state=dead&perPage=1', { token });
  assert.equal(dead.body.totalItems, counts.dead);
});

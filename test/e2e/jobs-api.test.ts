/**
 * Durable jobs through the service API (`app.jobs`) and the HTTP API (`/api/basalt/jobs`)
 * on a real in-process server: handlers, retries into the dead letter, retry/cancel/purge,
 * progress, priorities, delays, transactional enqueue, idempotency under concurrency.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Job } from '../../src/jobs/index.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let token: string;

before(async () => {
  server = await startServer();
  token = (await server.superuser()).authStore.token;
});
after(() => server.stop());

/** Polls a job until `done(job)` (bounded). */
async function until(id: string, done: (job: Job) => boolean, ms = 10_000): Promise<Job> {
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await server.app.jobs.get(id);
    if (job && done(job)) return job;
    if (Date.now() > deadline) assert.fail(`job ${id} did not get there in ${ms} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a handled job runs once with its payload; result and progress are stored', async () => {
  const seen: unknown[] = [];
  server.app.jobs.handle('greet', async (job, ctx) => {
    seen.push(job.payload);
    await ctx.progress({ step: 1 });
    return { hello: (job.payload as { who: string }).who };
  });
  const job = await server.app.jobs.enqueue('greet', { who: 'ada' });
  assert.equal(job.state, 'queued');
  const done = await until(job.id, (j) => j.state === 'done');
  assert.deepEqual(done.result, { hello: 'ada' });
  assert.deepEqual(done.progress, { step: 1 });
  assert.equal(done.attempts, 1);
  assert.deepEqual(seen, [{ who: 'ada' }]);
});

test('a failing job is retried with backoff, then dead-lettered; retry and purge work over HTTP', async () => {
  const attemptsAt: number[] = [];
  server.app.jobs.handle('flaky', () => {
    attemptsAt.push(Date.now());
    throw new Error('boom');
  });
  const job = await server.app.jobs.enqueue('flaky', null, { maxAttempts: 3, backoffMs: 100 });
  const dead = await until(job.id, (j) => j.state === 'dead');
  assert.equal(dead.attempts, 3);
  assert.equal(dead.lastError, 'boom');
  assert.equal(attemptsAt.length, 3);
  // equal jitter: never sooner than half the nominal delay (100, then 200 ms)
  assert.ok(attemptsAt[1] - attemptsAt[0] >= 50, `first retry after ${attemptsAt[1] - attemptsAt[0]} ms`);
  assert.ok(attemptsAt[2] - attemptsAt[1] >= 100, `second retry after ${attemptsAt[2] - attemptsAt[1]} ms`);

  const list = await http(server.url, 'GET', '/api/basalt/jobs?state=dead&queue=flaky', { token });
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.items.map((j: Job) => j.id),
    [job.id],
  );

  const retried = await http(server.url, 'POST', `/api/basalt/jobs/${job.id}/retry`, { token });
  assert.equal(retried.status, 200);
  assert.equal(retried.body.attempts, 0);
  await until(job.id, (j) => j.state === 'dead' && j.attempts === 3);
  assert.equal(attemptsAt.length, 6);

  const purged = await http(server.url, 'DELETE', '/api/basalt/jobs?state=dead&queue=flaky', { token });
  assert.deepEqual(purged.body, { deleted: 1 });
  assert.equal((await http(server.url, 'GET', `/api/basalt/jobs/${job.id}`, { token })).status, 404);
});

test('HTTP enqueue validates, needs a superuser, and can be cancelled while delayed', async () => {
  assert.equal((await http(server.url, 'POST', '/api/basalt/jobs', { body: { name: 'x' } })).status, 401);
  const bad = await http(server.url, 'POST', '/api/basalt/jobs', {
    token,
    body: { name: '', maxAttempts: 0 },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.data.name.code, 'validation_invalid_name');
  assert.equal(bad.body.data.maxAttempts.code, 'validation_invalid_number');

  const made = await http(server.url, 'POST', '/api/basalt/jobs', {
    token,
    body: { name: 'later', payload: { n: 1 }, delay: 60_000, priority: 5 },
  });
  assert.equal(made.status, 200);
  assert.equal(made.body.priority, 5);
  assert.ok(made.body.runAt >= Date.now() + 50_000);
  const cancelled = await http(server.url, 'POST', `/api/basalt/jobs/${made.body.id}/cancel`, { token });
  assert.equal(cancelled.body.state, 'cancelled');
  const again = await http(server.url, 'POST', `/api/basalt/jobs/${made.body.id}/cancel`, { token });
  assert.equal(again.status, 400);
  assert.equal((await http(server.url, 'GET', '/api/basalt/jobs?state=nope', { token })).status, 400);
});

test('a running job that is cancelled sees its signal abort and is not marked done', async () => {
  let aborted = false;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  server.app.jobs.handle(
    'long',
    (_job, ctx) =>
      new Promise((resolve) => {
        started();
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          resolve('stopped');
        });
      }),
    { leaseMs: 300 },
  );
  const job = await server.app.jobs.enqueue('long');
  await running;
  assert.equal(await server.app.jobs.cancel(job.id), true);
  const deadline = Date.now() + 5000;
  while (!aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(aborted, 'the handler signal was aborted');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await server.app.jobs.get(job.id))?.state, 'cancelled');
});

test('higher priority runs first; a delayed job waits for its time', async () => {
  const order: string[] = [];
  const jobs = server.app.jobs;
  const low = await jobs.enqueue('ordered', 'low', { priority: 0 });
  const high = await jobs.enqueue('ordered', 'high', { priority: 10 });
  const delayed = await jobs.enqueue('ordered', 'delayed', { delay: 300, priority: 100 });
  jobs.handle('ordered', (job) => {
    order.push(`${job.payload}@${Date.now() - delayed.created}`);
  });
  await until(delayed.id, (j) => j.state === 'done');
  await until(low.id, (j) => j.state === 'done');
  assert.equal(order.length, 3);
  assert.deepEqual(
    order.slice(0, 2).map((o) => o.split('@')[0]),
    ['high', 'low'],
  );
  assert.equal(order[2].split('@')[0], 'delayed');
  assert.ok(Number(order[2].split('@')[1]) >= 290, `delayed job ran after ${order[2]}`);
  assert.equal((await jobs.get(high.id))?.state, 'done');
});

test('a job enqueued in a transaction that rolls back does not exist; one that commits runs', async () => {
  const { db } = server.app.services;
  let ran = 0;
  server.app.jobs.handle('tx-job', () => {
    ran++;
  });
  let rolledBackId = '';
  await assert.rejects(
    db.transaction(async (tx) => {
      rolledBackId = (await server.app.jobs.enqueue('tx-job', 1, { tx, idempotencyKey: 'tx-rollback' })).id;
      throw new Error('abort the write');
    }),
    /abort the write/,
  );
  assert.ok(rolledBackId);
  assert.equal(await server.app.jobs.get(rolledBackId), null);
  const afterCommit: (() => void)[] = [];
  const committed = await db.transaction((tx) => server.app.jobs.enqueue('tx-job', 2, { tx, afterCommit }));
  for (const fn of afterCommit) fn();
  await until(committed.id, (j) => j.state === 'done');
  assert.equal(ran, 1);
  // the rolled-back key is free again
  const reused = await server.app.jobs.enqueue('tx-job', 3, { idempotencyKey: 'tx-rollback' });
  assert.notEqual(reused.id, rolledBackId);
});

test('1,000 idempotency keys from 50 concurrent callers make exactly one job per key', async () => {
  const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
  const byKey = new Map<string, Set<string>>();
  await Promise.all(
    Array.from({ length: 50 }, async (_, caller) => {
      // every caller enqueues every key, each in its own order
      const mine = keys.map((_, i) => keys[(i * 7 + caller * 13) % keys.length]);
      for (const key of mine) {
        const job = await server.app.jobs.enqueue(
          'never-handled',
          { caller },
          { idempotencyKey: key, queue: 'idem' },
        );
        if (!byKey.has(key)) byKey.set(key, new Set());
        byKey.get(key)?.add(job.id);
      }
    }),
  );
  for (const key of keys) assert.equal(byKey.get(key)?.size, 1, `key ${key} answered one job id`);
  const row = await server.app.services.db.get<{ n: number; k: number }>(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT "idempotencyKey") AS k FROM "_jobs" WHERE "queue" = 'idem'`,
  );
  assert.equal(Number(row?.n), 1000);
  assert.equal(Number(row?.k), 1000);
});

test('retention deletes done and cancelled jobs past 7 days, keeps recent ones and the dead letter', async () => {
  const jobs = server.app.jobs;
  const { db } = server.app.services;
  const old = await jobs.enqueue('retained', 1, { queue: 'retention' });
  const recent = await jobs.enqueue('retained', 2, { queue: 'retention' });
  const dead = await jobs.enqueue('retained', 3, { queue: 'retention' });
  const eightDaysAgo = Date.now() - 8 * 24 * 3600 * 1000;
  await db.transaction(async (tx) => {
    await tx.run(`UPDATE "_jobs" SET "state" = 'done', "finished" = ? WHERE "id" = ?`, [
      eightDaysAgo,
      old.id,
    ]);
    await tx.run(`UPDATE "_jobs" SET "state" = 'cancelled', "finished" = ? WHERE "id" = ?`, [
      Date.now(),
      recent.id,
    ]);
    await tx.run(`UPDATE "_jobs" SET "state" = 'dead', "finished" = ? WHERE "id" = ?`, [
      eightDaysAgo,
      dead.id,
    ]);
  });
  assert.ok((await jobs.applyRetention()) >= 1);
  assert.equal(await jobs.get(old.id), null);
  assert.equal((await jobs.get(recent.id))?.state, 'cancelled');
  assert.equal((await jobs.get(dead.id))?.state, 'dead');
});

/**
 * PocketBase's `/api/crons` (list, run now) and Basalt's run history, on a real
 * in-process server; time zones, bad expressions and the missed-run policy.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let token: string;
before(async () => {
  server = await startServer();
  token = (await server.superuser()).authStore.token;
});
after(() => server.stop());

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('GET /api/crons lists schedules sorted by id; superusers only', async () => {
  server.app.cron.add('zeta', '0 0 1 1 *', () => {});
  server.app.cron.add('alpha', '@hourly', () => {}, { timezone: 'America/New_York' });
  const list = await http(server.url, 'GET', '/api/crons', { token });
  assert.equal(list.status, 200);
  const ids = list.body.map((c: { id: string }) => c.id);
  assert.deepEqual(
    ids.filter((id: string) => id === 'alpha' || id === 'zeta'),
    ['alpha', 'zeta'],
  );
  assert.deepEqual(
    list.body.find((c: { id: string }) => c.id === 'zeta'),
    { id: 'zeta', expression: '0 0 1 1 *' },
  );
  assert.equal((await http(server.url, 'GET', '/api/crons')).status, 401);
  const user = await http(server.url, 'POST', '/api/crons/zeta');
  assert.equal(user.status, 401);
});

test('POST /api/crons/{id} runs it now (204) and the run is in the history', async () => {
  let runs = 0;
  server.app.cron.add('manual-one', '0 0 1 1 *', () => {
    runs++;
  });
  const res = await http(server.url, 'POST', '/api/crons/manual-one', { token });
  assert.equal(res.status, 204);
  await waitFor(async () => runs === 1, 'the manual run');
  await waitFor(
    async () =>
      (await http(server.url, 'GET', '/api/basalt/crons/manual-one/runs', { token })).body[0]?.finished > 0,
    'the run to be recorded',
  );
  const history = await http(server.url, 'GET', '/api/basalt/crons/manual-one/runs', { token });
  assert.equal(history.status, 200);
  assert.equal(history.body[0].trigger, 'manual');
  const missing = await http(server.url, 'POST', '/api/crons/nope', { token });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'Missing or invalid cron job.');
});

test('a failing run records its error', async () => {
  server.app.cron.add('failing', '0 0 1 1 *', () => {
    throw new Error('cron went wrong');
  });
  await server.app.cron.runNow('failing');
  const [run] = await server.app.cron.history('failing');
  assert.equal(run.error, 'cron went wrong');
  assert.ok(run.finished);
});

test('bad expressions and time zones are refused with a readable error', () => {
  assert.throws(
    () => server.app.cron.add('bad', 'not a cron', () => {}),
    /Invalid cron expression "not a cron"/,
  );
  assert.throws(
    () => server.app.cron.add('bad-tz', '* * * * *', () => {}, { timezone: 'Mars/Olympus' }),
    /Invalid cron/,
  );
  assert.equal(server.app.cron.has('bad'), false);
});

test('missed runs: runOnce catches up the latest missed time once, skip does not', async () => {
  const { db } = server.app.services;
  // both schedules last ran in 2020; yearly on Jan 1, so at least one run was missed since
  const past = Date.UTC(2020, 0, 1);
  for (const id of ['catch-up', 'skipper'])
    await db.transaction((tx) =>
      tx.run(
        `INSERT INTO "_cron_runs" ("cronId", "scheduledAt", "trigger", "node", "started", "finished") VALUES (?, ?, 'schedule', 'old', ?, ?)`,
        [id, past, past, past],
      ),
    );
  const seen: { id: string; trigger: string; at: Date }[] = [];
  server.app.cron.add(
    'catch-up',
    '0 0 1 1 *',
    (run) => void seen.push({ id: run.id, trigger: run.trigger, at: run.scheduledAt }),
    {
      missed: 'runOnce',
      timezone: 'UTC',
    },
  );
  server.app.cron.add(
    'skipper',
    '0 0 1 1 *',
    (run) => void seen.push({ id: run.id, trigger: run.trigger, at: run.scheduledAt }),
    {
      missed: 'skip',
      timezone: 'UTC',
    },
  );
  await waitFor(async () => seen.length >= 1, 'the catch-up run');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(seen.length, 1);
  assert.equal(seen[0].id, 'catch-up');
  assert.equal(seen[0].trigger, 'missed');
  assert.equal(
    seen[0].at.getTime(),
    Date.UTC(new Date().getUTCFullYear(), 0, 1),
    'the latest missed time, in the schedule time zone',
  );
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { http, startServer, type TestServer } from '../helpers/server.ts';

describe('request logs through pb.logs', () => {
  let server: TestServer;
  let pb: PocketBase;
  const flush = () => server.app.observability.requestLogs!.flush();

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    await pb.collections.create({
      name: 'notes',
      type: 'base',
      listRule: '',
      fields: [{ name: 'body', type: 'text' }],
    });
  });
  after(() => server.stop());

  test('requests are stored with PocketBase fields and listed with filter and sort', async () => {
    await http(server.url, 'GET', '/api/collections/notes/records?perPage=2');
    await http(server.url, 'GET', '/api/collections/nope/records');
    await flush();
    const errors = await pb.logs.getList(1, 50, { filter: 'data.status >= 400 && data.url ~ "nope"' });
    assert.equal(errors.totalItems, 1);
    const [entry] = errors.items;
    assert.equal(entry.level, 8);
    assert.equal(entry.message, 'GET /api/collections/nope/records');
    assert.equal(entry.data.method, 'GET');
    assert.equal(entry.data.status, 404);
    assert.equal(entry.data.type, 'request');
    assert.equal(typeof entry.data.execTime, 'number');
    assert.equal(entry.data.userIP, '127.0.0.1');
    assert.match(entry.created, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);

    const ok = await pb.logs.getList(1, 50, { filter: 'level = 0 && data.url ~ "perPage=2"' });
    assert.equal(ok.totalItems, 1);
    assert.equal(ok.items[0].data.status, 200);

    const ascending = await pb.logs.getList(1, 100, { sort: 'created' });
    const descending = await pb.logs.getList(1, 100, { sort: '-created' });
    assert.ok(ascending.items.length >= 2);
    assert.equal(ascending.items[0].id, descending.items.at(-1)?.id);
    // insertion order, newest first, as PocketBase's dashboard asks for it
    const newestFirst = await pb.logs.getList(1, 100, { sort: '-@rowid' });
    const ids = newestFirst.items.map((l) => l.id);
    assert.deepEqual(ids, [...ids].sort().reverse());
    assert.deepEqual([...ids].sort(), ascending.items.map((l) => l.id).sort());
  });

  test('getOne answers one log, and 404 for an unknown id', async () => {
    const { items } = await pb.logs.getList(1, 1);
    const one = await pb.logs.getOne(items[0].id);
    assert.deepEqual(one, items[0]);
    await assert.rejects(pb.logs.getOne('nosuchlog000000'), (err: { status: number }) => err.status === 404);
  });

  test('getStats answers hourly totals matching a filter', async () => {
    const all = await pb.logs.getStats();
    const errors = await pb.logs.getStats({ filter: 'level = 8' });
    const total = (s: { total: number }[]) => s.reduce((n, x) => n + x.total, 0);
    assert.ok(all.length >= 1);
    assert.match(all[0].date, /^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/);
    assert.ok(total(errors) >= 1 && total(errors) < total(all));
  });

  test('a bad filter is a 400; only superusers may read logs', async () => {
    await assert.rejects(
      pb.logs.getList(1, 5, { filter: 'nosuchfield = 1' }),
      (e: { status: number }) => e.status === 400,
    );
    const anonymous = await http(server.url, 'GET', '/api/logs');
    assert.equal(anonymous.status, 401);
    const stats = await http(server.url, 'GET', '/api/logs/stats');
    assert.equal(stats.status, 401);
  });

  test('the logs settings section has PocketBase defaults and is validated', async () => {
    const settings = await pb.settings.getAll();
    assert.deepEqual(settings.logs, {
      maxDays: 5,
      minLevel: 0,
      logIP: true,
      logAuthId: false,
      sampleRate: 1,
      maxRequestsPerSecond: 100,
    });
    await assert.rejects(
      pb.settings.update({ logs: { maxDays: -1, sampleRate: 2, maxRequestsPerSecond: 1.5 } }),
      (e: { status: number; response: { data: { logs: Record<string, { code: string }> } } }) =>
        e.status === 400 &&
        Boolean(e.response.data.logs.maxDays) &&
        Boolean(e.response.data.logs.sampleRate) &&
        Boolean(e.response.data.logs.maxRequestsPerSecond),
    );
  });

  test('logIP off and logAuthId on change what is stored', async () => {
    await pb.settings.update({ logs: { logIP: false, logAuthId: true } });
    await pb.collections.getList(1, 1, { filter: 'name = "marker_auth"' });
    await flush();
    const { items } = await pb.logs.getList(1, 5, { filter: 'data.url ~ "marker_auth"' });
    assert.equal(items.length, 1);
    assert.equal(items[0].data.userIP, undefined);
    assert.equal(items[0].data.auth, '_superusers');
    assert.equal(typeof items[0].data.authId, 'string');
    await pb.settings.update({ logs: { logIP: true, logAuthId: false } });
  });

  test('sampleRate 0 keeps errors only; maxDays 0 keeps nothing', async () => {
    await pb.settings.update({ logs: { sampleRate: 0 } });
    await http(server.url, 'GET', '/api/collections/notes/records?marker=sampled');
    await http(server.url, 'GET', '/api/collections/nope/records?marker=sampled');
    await pb.settings.update({ logs: { sampleRate: 1, maxDays: 0 } });
    await http(server.url, 'GET', '/api/collections/nope/records?marker=off');
    await pb.settings.update({ logs: { maxDays: 5 } });
    await flush();
    const sampled = await pb.logs.getList(1, 10, { filter: 'data.url ~ "marker=sampled"' });
    assert.deepEqual(
      sampled.items.map((i) => i.data.status),
      [404],
    );
    const off = await pb.logs.getList(1, 10, { filter: 'data.url ~ "marker=off"' });
    assert.equal(off.totalItems, 0);
  });

  test('maxRequestsPerSecond bounds the successes stored under load; every error is stored', async () => {
    await pb.settings.update({ logs: { maxRequestsPerSecond: 5 } });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        http(server.url, 'GET', `/api/collections/${i % 3 ? 'notes' : 'nope'}/records?marker=rated${i}`),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    await pb.settings.update({ logs: { maxRequestsPerSecond: 100 } });
    await flush();
    assert.equal(answers.filter((a) => a.status === 404).length, 20);
    const stored = await pb.logs.getList(1, 100, { filter: 'data.url ~ "marker=rated"' });
    const errors = stored.items.filter((i) => Number(i.level) === 8).length;
    const successes = stored.items.length - errors;
    assert.equal(errors, 20, 'every error is stored');
    // a burst of one second's worth, then 5 per second
    assert.ok(successes >= 1 && successes <= 5 + Math.ceil(seconds * 5), `${successes} successes stored`);
    const metrics = await http(server.url, 'GET', '/metrics');
    assert.match(String(metrics.body), /^basalt_request_logs_over_rate [1-9]\d*$/m);
  });

  test('retention deletes logs older than maxDays', async () => {
    await flush();
    const store = server.app.observability.requestLogs!;
    assert.equal(await store.prune(new Date()), 0);
    const removed = await store.prune(new Date(Date.now() + 6 * 86_400_000));
    assert.ok(removed >= 3);
    const left = await pb.logs.getList(1, 1);
    assert.ok(left.totalItems <= 2, `left ${left.totalItems}`);
  });

  test('retention removes more entries than one delete statement takes, in chunks', async () => {
    const store = server.app.observability.requestLogs!;
    for (let i = 0; i < 12_000; i++)
      store.add({ level: 0, message: `GET /chunked/${i}`, data: { type: 'request' } });
    await store.flush();
    const stored = await pb.logs.getList(1, 1, { filter: 'message ~ "/chunked/"' });
    assert.equal(stored.totalItems, 12_000);
    const removed = await store.prune(new Date(Date.now() + 6 * 86_400_000));
    assert.ok(removed >= 12_000, `removed ${removed}`);
    const left = await pb.logs.getList(1, 1, { filter: 'message ~ "/chunked/"' });
    assert.equal(left.totalItems, 0);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import PocketBase from 'pocketbase';
import { ApiError, type Basalt, createBasalt, defaultConfig } from '../../src/index.ts';
import { Inbox } from '../helpers/realtime.ts';
import { uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, SUPERUSER } from '../helpers/server.ts';

const silent = () => pino({ level: process.env.BASALT_TEST_LOGS ? 'info' : 'silent' });
const dirs: string[] = [];

/** A framework app on a fresh data dir and a free port, not started. */
function newApp(): Basalt {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-framework-'));
  dirs.push(dir);
  return createBasalt({ config: defaultConfig({ http: '127.0.0.1:0', dir }), logger: silent() });
}

let app: Basalt;
let url: string;
let userToken: string;
let userId: string;
let suToken: string;
const jobRuns: unknown[] = [];

before(async () => {
  app = newApp();
  app.routes.get('/hello/:name', (e) => ({ hello: e.params.name, loud: e.query.loud === '1' }));
  app.routes.get('/api/myapp/me', (e) => ({ id: e.auth?.record.id, superuser: e.isSuperuser }), {
    auth: 'record',
  });
  app.routes.post('/api/myapp/admin', (e) => ({ got: e.body }), { auth: 'superuser' });
  app.routes.get('/api/myapp/fail', () => {
    throw new ApiError('validation_failed', 'Pick a colour.', {
      colour: { code: 'validation_required', message: 'Missing colour.' },
    });
  });
  app.routes.get('/api/myapp/crash', () => {
    throw new Error('secret internal detail');
  });
  app.routes.delete('/api/myapp/nothing', () => undefined);
  app.routes.post('/api/myapp/announce', async (e) => {
    await app.realtime.publish('news', e.body);
    return { sent: true };
  });
  app.jobs.handle('welcome', (job) => void jobRuns.push(job.payload));
  ({ url } = await app.serve());
  await app.superusers.upsert(SUPERUSER.email, SUPERUSER.password);
  const su = new PocketBase(url);
  await su.collection('_superusers').authWithPassword(SUPERUSER.email, SUPERUSER.password);
  suToken = su.authStore.token;
  await su.collections.create({ name: 'members', type: 'auth', createRule: '', fields: [] });
  const user = await su
    .collection('members')
    .create({ email: 'm@example.com', password: 'member-password', passwordConfirm: 'member-password' });
  userId = user.id;
  const pb = new PocketBase(url);
  await pb.collection('members').authWithPassword('m@example.com', 'member-password');
  userToken = pb.authStore.token;
});

after(async () => {
  await app.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('custom routes', () => {
  test('a guest route answers JSON with params and query', async () => {
    const res = await http(url, 'GET', '/hello/ada?loud=1');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { hello: 'ada', loud: true });
  });

  test("auth 'record': 401 for guests in PocketBase's shape, the caller for records and superusers", async () => {
    const guest = await http(url, 'GET', '/api/myapp/me');
    assert.equal(guest.status, 401);
    assert.deepEqual(Object.keys(guest.body).sort(), ['data', 'message', 'status']);
    assert.equal(guest.body.status, 401);
    const member = await http(url, 'GET', '/api/myapp/me', { token: userToken });
    assert.deepEqual(member.body, { id: userId, superuser: false });
    const su = await http(url, 'GET', '/api/myapp/me', { token: suToken });
    assert.equal(su.status, 200);
    assert.equal(su.body.superuser, true);
  });

  test("auth 'superuser': 401 guest, 403 record, 200 superuser with the parsed body", async () => {
    assert.equal((await http(url, 'POST', '/api/myapp/admin', { body: { a: 1 } })).status, 401);
    const member = await http(url, 'POST', '/api/myapp/admin', { body: { a: 1 }, token: userToken });
    assert.equal(member.status, 403);
    assert.equal(member.body.status, 403);
    const su = await http(url, 'POST', '/api/myapp/admin', { body: { a: 1 }, token: suToken });
    assert.deepEqual(su.body, { got: { a: 1 } });
  });

  test('a thrown ApiError answers its status, message and field problems; other errors a bare 500', async () => {
    const fail = await http(url, 'GET', '/api/myapp/fail');
    assert.equal(fail.status, 400);
    assert.deepEqual(fail.body, {
      status: 400,
      message: 'Pick a colour.',
      data: { colour: { code: 'validation_required', message: 'Missing colour.' } },
    });
    const crash = await http(url, 'GET', '/api/myapp/crash');
    assert.equal(crash.status, 500);
    assert.doesNotMatch(JSON.stringify(crash.body), /secret internal detail/);
    assert.equal((await http(url, 'DELETE', '/api/myapp/nothing')).status, 204);
  });

  test('built-in routes still answer next to custom ones', async () => {
    assert.equal((await http(url, 'GET', '/api/health')).status, 200);
  });
});

describe('realtime from app code', () => {
  test('a route publishes to a custom topic that an SDK subscriber receives', async () => {
    const pb = new PocketBase(url);
    const inbox = new Inbox();
    const unsubscribe = await pb.realtime.subscribe('news', inbox.push);
    try {
      const res = await http(url, 'POST', '/api/myapp/announce', { body: { headline: 'hooks landed' } });
      assert.deepEqual(res.body, { sent: true });
      const got = await inbox.until((m) => m.headline === 'hooks landed', 'the published message');
      assert.deepEqual(got, { headline: 'hooks landed' });
    } finally {
      await unsubscribe();
    }
  });
});

describe('route clashes are refused at start-up', () => {
  const cases: [string, 'GET' | 'POST', string, RegExp][] = [
    ['a parametric path over the records API', 'GET', '/api/collections/:c/records', /built-in route GET/],
    ['a static path the records API would also match', 'POST', '/api/collections/posts/records', /built-in/],
    ['health', 'GET', '/api/health', /GET \/api\/health/],
  ];
  for (const [name, method, path, message] of cases) {
    test(name, async () => {
      const clashing = newApp();
      clashing.routes.add(method, path, () => ({}));
      await assert.rejects(clashing.serve(), (error: Error) => {
        assert.match(error.message, /clashes with/);
        assert.match(error.message, message);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /\(added at \/.*framework-routes\.test\.ts:\d+:\d+\)/);
        return true;
      });
      await clashing.close();
    });
  }

  test('two custom routes for the same URL', async () => {
    const clashing = newApp();
    clashing.routes.get('/api/myapp/:id', () => ({}));
    clashing.routes.get('/api/myapp/x', () => ({}));
    await assert.rejects(clashing.serve(), /clashes with the custom route GET \/api\/myapp\/:id/);
    await clashing.close();
  });
});

describe('request-level record hooks', () => {
  test('wrap the records API handlers: reject before, change the answer after, see the id', async () => {
    const su = new PocketBase(url);
    su.authStore.save(suToken);
    const items = uniqueName('items');
    await su.collections.create({
      name: items,
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      deleteRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
    const fired: string[] = [];
    const ids = [
      app.onRecordCreateRequest(items).bindFunc(async (e) => {
        if (e.request.headers['x-client'] !== 'tests') throw new ApiError('forbidden', 'Unknown client.');
        await e.next();
        fired.push(`create ${(e.response as { title: string }).title}`);
      }),
      app.onRecordViewRequest(items).bindFunc(async (e) => {
        await e.next();
        e.response = { ...(e.response as object), shout: 'LOUD' };
      }),
      app.onRecordsListRequest(items).bindFunc(async (e) => {
        await e.next();
        fired.push(`list ${(e.response as { items: unknown[] }).items.length}`);
      }),
      app.onRecordDeleteRequest(items).bindFunc(async (e) => {
        fired.push(`delete ${e.id} by ${e.isSuperuser ? 'superuser' : 'guest'}`);
        await e.next();
      }),
    ];
    const pb = new PocketBase(url);
    const refused = await http(url, 'POST', `/api/collections/${items}/records`, { body: { title: 'a' } });
    assert.deepEqual([refused.status, refused.body.message], [403, 'Unknown client.']);
    assert.equal((await su.collection(items).getList()).totalItems, 0, 'a refused request writes nothing');
    const made = await pb.collection(items).create({ title: 'a' }, { headers: { 'x-client': 'tests' } });
    const viewed = await pb.collection(items).getOne(made.id);
    assert.equal(viewed.shout, 'LOUD');
    await pb.collection(items).getList();
    await pb.collection(items).delete(made.id);
    // 'list 0' is the superuser's check after the refused create
    assert.deepEqual(fired, ['list 0', 'create a', 'list 1', `delete ${made.id} by guest`]);
    for (const hook of app.requestHooks.all()) hook.unbind(...ids);
  });
});

describe('jobs from hooks', () => {
  test('a before-create hook enqueues a job in the write transaction: none on rollback, run once on commit', async () => {
    const su = new PocketBase(url);
    su.authStore.save(suToken);
    const posts = uniqueName('posts');
    await su.collections.create({
      name: posts,
      type: 'base',
      createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
    const id = app.onRecordCreate(posts).bindFunc(async (e) => {
      await app.jobs.enqueue('welcome', { title: e.body.title }, { ...e.inTransaction });
      await e.next();
      if (e.body.title === 'reject') throw new ApiError('bad_request', 'Rejected after enqueue.');
    });
    const pb = new PocketBase(url);
    await assert.rejects(pb.collection(posts).create({ title: 'reject' }), /Rejected after enqueue/);
    await pb.collection(posts).create({ title: 'accept' });
    const deadline = Date.now() + 10_000;
    while (jobRuns.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(jobRuns, [{ title: 'accept' }]);
    const jobs = await app.jobs.list({ name: 'welcome' });
    assert.equal(jobs.totalItems, 1, 'the rolled-back enqueue left no job');
    app.hooks.create.unbind(id);
  });
});

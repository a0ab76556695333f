import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { http, startServer, type TestServer } from '../helpers/server.ts';

describe('API keys (/api/basalt/keys)', () => {
  let server: TestServer;
  let admin: string;
  const notes = 'keyed_notes';
  const other = 'keyed_other';

  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    admin = pb.authStore.token;
    for (const name of [notes, other])
      await pb.collections.create({ name, type: 'base', fields: [{ name: 'title', type: 'text' }] });
    await pb.collection(notes).create({ title: 'first' });
    await pb.collection(other).create({ title: 'private' });
  });
  after(() => server.stop());

  const keys = (method: string, path = '', body?: unknown, token = admin) =>
    http(server.url, method, `/api/basalt/keys${path}`, { body, token });
  const records = (key: string, method: string, path: string, body?: unknown, header = 'x-api-key') =>
    http(server.url, method, `/api/collections/${path}`, {
      body,
      headers: { [header]: header === 'authorization' ? `Bearer ${key}` : key },
    });
  const newKey = async (scopes: unknown, extra: Record<string, unknown> = {}) => {
    const res = await keys('POST', '', { name: 'worker', scopes, ...extra });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { id: string; secret: string };
  };

  test('the secret is shown once; the list answers neither secret nor hash', async () => {
    const key = await newKey([{ collection: notes, operations: ['list'] }]);
    assert.match(key.secret, /^bsk_[A-Za-z0-9_-]{40,}$/);
    const list = await keys('GET');
    assert.equal(list.status, 200);
    const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
    assert.equal(listed.name, 'worker');
    assert.ok(!JSON.stringify(list.body).includes(key.secret.slice(4)), 'secret never listed');
    assert.equal(listed.hash, undefined);
  });

  test('only superusers manage keys; a key cannot create keys', async () => {
    const key = await newKey([
      { collection: '*', operations: ['list', 'view', 'create', 'update', 'delete'] },
    ]);
    assert.equal((await keys('GET', '', undefined, '')).status, 401);
    const byKey = await http(server.url, 'POST', '/api/basalt/keys', {
      body: { name: 'x', scopes: [{ collection: '*', operations: ['list'] }] },
      headers: { 'x-api-key': key.secret },
    });
    assert.equal(byKey.status, 401);
  });

  test('bad input is refused field by field', async () => {
    const res = await keys('POST', '', {
      name: '',
      scopes: [
        { collection: 'nope', operations: ['list'] },
        { collection: notes, operations: ['drop'] },
      ],
      expires: 'yesterday',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.data.name.code, 'validation_required');
    assert.equal(res.body.data.scopes[0].code, 'validation_unknown_collection');
    assert.equal(res.body.data.scopes[1].code, 'validation_invalid_operations');
    assert.equal(res.body.data.expires.code, 'validation_invalid_date');
  });

  test('a key acts within its scopes (rules passed) and nowhere else', async () => {
    const key = await newKey([{ collection: notes, operations: ['list', 'view', 'create'] }]);
    // the collection has superuser-only (null) rules: a guest is refused, the key is not
    assert.notEqual((await http(server.url, 'GET', `/api/collections/${notes}/records`)).status, 200);
    const list = await records(key.secret, 'GET', `${notes}/records`);
    assert.equal(list.status, 200);
    assert.equal(list.body.items[0].title, 'first');
    const viaBearer = await records(key.secret, 'GET', `${notes}/records`, undefined, 'authorization');
    assert.equal(viaBearer.status, 200);
    const created = await records(key.secret, 'POST', `${notes}/records`, { title: 'by key' });
    assert.equal(created.status, 200);
    assert.equal((await records(key.secret, 'GET', `${notes}/records/${created.body.id}`)).status, 200);
    const update = await records(key.secret, 'PATCH', `${notes}/records/${created.body.id}`, { title: 'x' });
    assert.equal(update.status, 403);
    assert.equal((await records(key.secret, 'DELETE', `${notes}/records/${created.body.id}`)).status, 403);
    assert.equal((await records(key.secret, 'GET', `${other}/records`)).status, 403);
    // reaching other collections through filters needs a key that may read everything
    const probe = await records(
      key.secret,
      'GET',
      `${notes}/records?filter=${encodeURIComponent(`@collection.${other}.title = "private"`)}`,
    );
    assert.equal(probe.status, 403);
    // a key is no superuser outside the records API
    const collections = await http(server.url, 'GET', '/api/collections', {
      headers: { 'x-api-key': key.secret },
    });
    assert.equal(collections.status, 401);
  });

  test('a key that may read everything may also expand and filter across collections; batch grants nothing', async () => {
    const key = await newKey([{ collection: '*', operations: ['list', 'view'] }]);
    const filter = encodeURIComponent(`@collection.${other}.title ?= "private"`);
    const probe = await records(key.secret, 'GET', `${notes}/records?filter=${filter}`);
    assert.equal(probe.status, 200);
    assert.ok(probe.body.totalItems >= 1);
    const batch = await http(server.url, 'POST', '/api/batch', {
      body: {
        requests: [
          { method: 'POST', url: `/api/collections/${notes}/records`, body: { title: 'via batch' } },
        ],
      },
      headers: { 'x-api-key': key.secret },
    });
    assert.notEqual(batch.status, 200);
  });

  test('unknown keys answer 401; revocation works on the next request', async () => {
    assert.equal((await records('bsk_not-a-real-key', 'GET', `${notes}/records`)).status, 401);
    const key = await newKey([{ collection: notes, operations: ['list'] }]);
    assert.equal((await records(key.secret, 'GET', `${notes}/records`)).status, 200);
    assert.equal((await keys('DELETE', `/${key.id}`)).status, 204);
    assert.equal((await records(key.secret, 'GET', `${notes}/records`)).status, 401);
    assert.equal((await keys('DELETE', `/${key.id}`)).status, 404);
  });

  test('an expired key stops working', async () => {
    const expires = new Date(Date.now() + 1200).toISOString();
    const key = await newKey([{ collection: notes, operations: ['list'] }], { expires });
    assert.equal((await records(key.secret, 'GET', `${notes}/records`)).status, 200);
    await sleep(1300);
    assert.equal((await records(key.secret, 'GET', `${notes}/records`)).status, 401);
  });

  test('last use is written in batches, not once per request', async () => {
    const key = await newKey([{ collection: notes, operations: ['list'] }]);
    await keys('GET'); // flush anything pending from earlier tests
    const before = server.app.services.db.stats().committedTransactions;
    for (let i = 0; i < 20; i++)
      assert.equal((await records(key.secret, 'GET', `${notes}/records`)).status, 200);
    // background parts (jobs, cron) may commit meanwhile; one write per request would be 20 or more
    const during = server.app.services.db.stats().committedTransactions - before;
    assert.ok(during < 10, `${during} transactions committed during 20 keyed requests`);
  });

  test('last use is recorded', async () => {
    const key = await newKey([{ collection: notes, operations: ['list'] }]);
    const before = (await keys('GET')).body.items.find((k: { id: string }) => k.id === key.id);
    assert.equal(before.lastUsed, '');
    const start = Date.now();
    for (let i = 0; i < 5; i++) await records(key.secret, 'GET', `${notes}/records`);
    const afterUse = (await keys('GET')).body.items.find((k: { id: string }) => k.id === key.id);
    assert.ok(Date.parse(afterUse.lastUsed) >= start - 1000, `lastUsed ${afterUse.lastUsed}`);
  });
});

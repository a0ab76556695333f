import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { assertProblem, createBase, enableBatch, expectApiError } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

describe('SDK: batch', () => {
  let server: TestServer;
  let pb: PocketBase;
  let items: string;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    const c = await createBase(
      pb,
      'items',
      [
        { name: 'title', type: 'text', required: true },
        { name: 'n', type: 'number' },
      ],
      { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: null },
    );
    items = c.name;
  });
  after(() => server.stop());

  const count = async () => (await pb.collection(items).getList(1, 1)).totalItems;

  test('disabled by default: 403 until enabled in settings', async () => {
    const settings = await pb.settings.getAll();
    assert.equal(settings.batch.enabled, false);
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'nope' });
    const err = await expectApiError(batch.send(), 403);
    assert.equal(err.message, 'Batch requests are not allowed.');
    assert.equal(await count(), 0);
    await enableBatch(pb, 5);
    assert.equal((await pb.settings.getAll()).batch.enabled, true);
  });

  test('create, update, delete and upsert in one batch', async () => {
    const a = await pb.collection(items).create({ title: 'a', n: 1 });
    const b = await pb.collection(items).create({ title: 'b', n: 2 });
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'new', n: 10 });
    batch.collection(items).update(a.id, { title: 'a2', 'n+': 5 });
    batch.collection(items).delete(b.id);
    batch.collection(items).upsert({ id: 'upsertnew000001', title: 'upserted', n: 3 });
    batch.collection(items).upsert({ id: a.id, title: 'a3' });
    const results = await batch.send();
    assert.equal(results.length, 5);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 204, 200, 200],
    );
    assert.equal(results[0].body.title, 'new');
    assert.match(results[0].body.id, /^[a-z0-9]{15}$/);
    assert.equal(results[1].body.title, 'a2');
    assert.equal(results[1].body.n, 6);
    assert.equal(results[3].body.id, 'upsertnew000001');
    assert.equal(results[4].body.title, 'a3');
    assert.equal(results[4].body.n, 6, 'upsert of an existing id updates it');

    assert.equal((await pb.collection(items).getOne(a.id)).title, 'a3');
    await expectApiError(pb.collection(items).getOne(b.id), 404);
    assert.equal((await pb.collection(items).getOne('upsertnew000001')).title, 'upserted');
    assert.equal((await pb.collection(items).getFirstListItem("title = 'new'")).n, 10);
  });

  test('all or nothing: one failing item → 400 naming it, nothing persisted', async () => {
    const existing = await pb.collection(items).create({ title: 'untouched', n: 1 });
    const before = await count();
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'batch-x1' });
    batch.collection(items).update(existing.id, { title: 'changed' });
    batch.collection(items).create({ n: 1 }); // missing required title
    batch.collection(items).create({ title: 'batch-x4' });
    const err = await expectApiError(batch.send(), 400);
    assert.equal(err.message, 'Batch transaction failed.');
    const failed = err.data.requests?.[2];
    assert.equal(failed?.code, 'batch_request_failed');
    assert.equal(failed?.response?.status, 400);
    assertProblem(failed?.response?.data, 'title', 'validation_required');
    assert.equal(err.data.requests[0], undefined);
    assert.equal(err.data.requests[1], undefined);
    assert.equal(await count(), before);
    assert.equal((await pb.collection(items).getOne(existing.id)).title, 'untouched');
  });

  test('a failing delete (missing record) rolls the batch back', async () => {
    const before = await count();
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'rolled back' });
    batch.collection(items).delete('missing00000000');
    const err = await expectApiError(batch.send(), 400);
    assert.equal(err.data.requests?.[1]?.response?.status, 404);
    assert.equal(await count(), before);
  });

  test('more requests than maxRequests → 400 data.requests', async () => {
    const batch = pb.createBatch();
    for (let i = 0; i < 6; i++) batch.collection(items).create({ title: `over ${i}` });
    const err = await expectApiError(batch.send(), 400);
    assertProblem(err.data, 'requests', 'validation_length_too_long');
    assert.equal((await pb.collection(items).getList(1, 1, { filter: "title ~ 'over '" })).totalItems, 0);
  });

  test('empty batch → 400 data.requests validation_required', async () => {
    const res = await http(server.url, 'POST', '/api/batch', {
      body: { requests: [] },
      token: pb.authStore.token,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.data.requests.code, 'validation_required');
  });

  test('access rules apply per item: guests may create but not delete', async () => {
    const victim = await pb.collection(items).create({ title: 'victim' });
    const guest = server.client();
    const ok = guest.createBatch();
    ok.collection(items).create({ title: 'guest made' });
    const results = await ok.send();
    assert.equal(results[0].status, 200);

    const refused = guest.createBatch();
    refused.collection(items).create({ title: 'guest second' });
    refused.collection(items).delete(victim.id);
    const err = await expectApiError(refused.send(), 400);
    assert.equal(err.data.requests?.[1]?.response?.status, 403);
    assert.equal((await pb.collection(items).getOne(victim.id)).title, 'victim');
    assert.equal(
      (await pb.collection(items).getList(1, 1, { filter: "title = 'guest second'" })).totalItems,
      0,
    );
  });

  test('expand and fields query params per item', async () => {
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'with fields' }, { fields: 'id,title:excerpt(4,true)' });
    const [result] = await batch.send();
    assert.deepEqual(Object.keys(result.body).sort(), ['id', 'title']);
    assert.equal(result.body.title, 'with...');
  });

  test('disabling batch again → 403', async () => {
    await pb.settings.update({ batch: { enabled: false } });
    const batch = pb.createBatch();
    batch.collection(items).create({ title: 'late' });
    await expectApiError(batch.send(), 403);
  });
});

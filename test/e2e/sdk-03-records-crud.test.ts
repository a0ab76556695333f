import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { assertProblem, createBase, expectApiError } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/;

describe('SDK: records CRUD', () => {
  let server: TestServer;
  let pb: PocketBase;
  let posts: any;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    posts = await createBase(
      pb,
      'posts',
      [
        { name: 'title', type: 'text', required: true },
        { name: 'slug', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c', 'd'], maxSelect: 4 },
        { name: 'meta', type: 'json' },
        { name: 'created', type: 'autodate', onCreate: true },
        { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
      ],
      {},
    );
    await pb.collections.update(posts.id, {
      indexes: [`CREATE UNIQUE INDEX idx_${posts.name}_slug ON ${posts.name} (slug) WHERE slug != ''`],
    });
  });
  after(() => server.stop());

  test('create/getOne/update/delete with JSON bodies', async () => {
    const c = pb.collection(posts.name);
    const created = await c.create({
      title: 'Hello',
      views: 3,
      published: true,
      tags: ['a'],
      meta: { k: 1 },
    });
    assert.match(created.id, /^[a-z0-9]{15}$/);
    assert.equal(created.collectionId, posts.id);
    assert.equal(created.collectionName, posts.name);
    assert.equal(created.title, 'Hello');
    assert.equal(created.views, 3);
    assert.equal(created.published, true);
    assert.deepEqual(created.tags, ['a']);
    assert.deepEqual(created.meta, { k: 1 });
    assert.equal(created.slug, '', 'unset text is the zero value');

    const got = await c.getOne(created.id);
    assert.deepEqual(got, created);

    const updated = await c.update(created.id, { title: 'Changed', published: false });
    assert.equal(updated.title, 'Changed');
    assert.equal(updated.published, false);
    assert.equal(updated.views, 3, 'untouched fields keep their values');

    assert.equal(await c.delete(created.id), true);
    await expectApiError(c.getOne(created.id), 404);
    await expectApiError(c.update(created.id, { title: 'x' }), 404);
    await expectApiError(c.delete(created.id), 404);
  });

  test('create with a chosen id; an invalid id is refused', async () => {
    const c = pb.collection(posts.name);
    const id = 'abcdefghij12345';
    const created = await c.create({ id, title: 'custom id' });
    assert.equal(created.id, id);
    const err = await expectApiError(c.create({ id: 'BAD ID!', title: 'x' }), 400);
    assertProblem(err.data, 'id');
    await expectApiError(c.create({ id, title: 'again' }), 400);
  });

  test('unknown fields in the body are ignored', async () => {
    const created = await pb.collection(posts.name).create({ title: 'x', nosuchfield: 'y' });
    assert.equal(created.nosuchfield, undefined);
  });

  test('FormData body: plain fields are coerced, repeated keys become lists', async () => {
    const form = new FormData();
    form.append('title', 'From form');
    form.append('views', '42');
    form.append('published', 'true');
    form.append('tags', 'b');
    form.append('tags', 'c');
    const created = await pb.collection(posts.name).create(form);
    assert.equal(created.title, 'From form');
    assert.equal(created.views, 42);
    assert.equal(created.published, true);
    assert.deepEqual(created.tags, ['b', 'c']);
  });

  test('FormData body with @jsonPayload merges JSON values', async () => {
    const form = new FormData();
    form.append('title', 'Payload');
    form.append('@jsonPayload', JSON.stringify({ meta: { deep: [1, { x: true }] }, views: 7 }));
    form.append('@jsonPayload', JSON.stringify({ tags: ['d'] }));
    const created = await pb.collection(posts.name).create(form);
    assert.equal(created.title, 'Payload');
    assert.deepEqual(created.meta, { deep: [1, { x: true }] });
    assert.equal(created.views, 7);
    assert.deepEqual(created.tags, ['d']);
    const form2 = new FormData();
    form2.append('@jsonPayload', JSON.stringify({ meta: null, title: 'Updated by form' }));
    const updated = await pb.collection(posts.name).update(created.id, form2);
    assert.equal(updated.title, 'Updated by form');
    assert.equal(updated.meta, null);
  });

  test('raw multipart request works like the SDK', async () => {
    const form = new FormData();
    form.append('title', 'raw multipart');
    const response = await fetch(`${server.url}/api/collections/${posts.name}/records`, {
      method: 'POST',
      headers: { authorization: pb.authStore.token },
      body: form,
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as any).title, 'raw multipart');
  });

  test('modifiers: views+, views-, tags+, +tags, tags-', async () => {
    const c = pb.collection(posts.name);
    const r = await c.create({ title: 'mods', views: 10, tags: ['b'] });
    let u = await c.update(r.id, { 'views+': 5 });
    assert.equal(u.views, 15);
    u = await c.update(r.id, { 'views-': 20 });
    assert.equal(u.views, -5);
    u = await c.update(r.id, { 'tags+': 'c' });
    assert.deepEqual(u.tags, ['b', 'c']);
    u = await c.update(r.id, { '+tags': 'a' });
    assert.deepEqual(u.tags, ['a', 'b', 'c']);
    u = await c.update(r.id, { 'tags-': ['b', 'c'] });
    assert.deepEqual(u.tags, ['a']);
    u = await c.update(r.id, { 'tags+': ['c', 'd'] });
    assert.deepEqual(u.tags, ['a', 'c', 'd']);
    // modifiers in multipart too
    const form = new FormData();
    form.append('views+', '3');
    form.append('tags-', 'a');
    u = await c.update(r.id, form);
    assert.equal(u.views, -2);
    assert.deepEqual(u.tags, ['c', 'd']);
  });

  test('required field missing → 400 validation_required; nothing stored', async () => {
    const before = (await pb.collection(posts.name).getList(1, 1)).totalItems;
    const err = await expectApiError(pb.collection(posts.name).create({ views: 1 }), 400);
    assert.equal(err.message, 'Failed to create record.');
    assertProblem(err.data, 'title', 'validation_required');
    assert.equal((await pb.collection(posts.name).getList(1, 1)).totalItems, before);
    // clearing it on update fails too
    const r = await pb.collection(posts.name).create({ title: 'present' });
    const upd = await expectApiError(pb.collection(posts.name).update(r.id, { title: '' }), 400);
    assertProblem(upd.data, 'title', 'validation_required');
    assert.equal((await pb.collection(posts.name).getOne(r.id)).title, 'present');
  });

  test('unique index violation → 400 data.slug.code validation_not_unique', async () => {
    const c = pb.collection(posts.name);
    await c.create({ title: 'one', slug: 'same-slug' });
    const err = await expectApiError(c.create({ title: 'two', slug: 'same-slug' }), 400);
    assertProblem(err.data, 'slug', 'validation_not_unique');
    const other = await c.create({ title: 'three', slug: 'other-slug' });
    const upd = await expectApiError(c.update(other.id, { slug: 'same-slug' }), 400);
    assertProblem(upd.data, 'slug', 'validation_not_unique');
    // the partial index lets empty slugs repeat
    await c.create({ title: 'four' });
    await c.create({ title: 'five' });
  });

  test('invalid values → 400 with per-field problems', async () => {
    const err = await expectApiError(
      pb.collection(posts.name).create({ title: 'x', tags: ['zzz'], meta: 'not json {' }),
      400,
    );
    assertProblem(err.data, 'tags');
  });

  test('autodate: created and updated set on create; only updated moves on update', async () => {
    const c = pb.collection(posts.name);
    const r = await c.create({ title: 'dates' });
    assert.match(r.created, DATE);
    assert.match(r.updated, DATE);
    await sleep(15);
    const u = await c.update(r.id, { title: 'dates 2' });
    assert.equal(u.created, r.created);
    assert.ok(u.updated > r.updated, `${u.updated} > ${r.updated}`);
    // autodate values cannot be set by the client
    const forced = await c.create({ title: 'forced', created: '2001-01-01 00:00:00.000Z' });
    assert.notEqual(forced.created, '2001-01-01 00:00:00.000Z');
  });

  test('getOne/list on a missing collection → 404', async () => {
    await expectApiError(pb.collection('no_such_collection_x').getOne('abc'), 404);
    await expectApiError(pb.collection('no_such_collection_x').create({}), 404);
  });

  test('malformed JSON body → 400', async () => {
    const res = await http(server.url, 'POST', `/api/collections/${posts.name}/records`, {
      raw: '{"title": ',
      headers: { 'content-type': 'application/json' },
      token: pb.authStore.token,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 400);
    assert.equal(typeof res.body.message, 'string');
  });
});

describe('SDK: records and relations', () => {
  let server: TestServer;
  let pb: PocketBase;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
  });
  after(() => server.stop());

  test('relation to a missing record → 400 on that field', async () => {
    const authors = await createBase(pb, 'authors', [{ name: 'name', type: 'text' }]);
    const books = await createBase(pb, 'books', [
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      { name: 'editors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
    ]);
    const a = await pb.collection(authors.name).create({ name: 'A' });
    const err = await expectApiError(pb.collection(books.name).create({ author: 'missingid000000' }), 400);
    assertProblem(err.data, 'author', 'validation_missing_rel_records');
    const err2 = await expectApiError(
      pb.collection(books.name).create({ author: a.id, editors: [a.id, 'missingid000000'] }),
      400,
    );
    assertProblem(err2.data, 'editors', 'validation_missing_rel_records');
    const ok = await pb.collection(books.name).create({ author: a.id, editors: [a.id] });
    assert.equal(ok.author, a.id);
    assert.deepEqual(ok.editors, [a.id]);
  });

  test('too many relation ids for maxSelect → 400', async () => {
    const t = await createBase(pb, 'tgt', []);
    const src = await createBase(pb, 'src', [
      { name: 'rel', type: 'relation', collectionId: t.id, maxSelect: 2 },
    ]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await pb.collection(t.name).create({})).id);
    const err = await expectApiError(pb.collection(src.name).create({ rel: ids }), 400);
    assertProblem(err.data, 'rel');
  });

  test('delete cascades through cascadeDelete relations', async () => {
    const parents = await createBase(pb, 'parents', [{ name: 'name', type: 'text' }]);
    const children = await createBase(pb, 'children', [
      { name: 'parent', type: 'relation', collectionId: parents.id, maxSelect: 1, cascadeDelete: true },
    ]);
    const p = await pb.collection(parents.name).create({ name: 'P' });
    const kids = [];
    for (let i = 0; i < 3; i++) kids.push(await pb.collection(children.name).create({ parent: p.id }));
    const other = await pb.collection(parents.name).create({ name: 'Q' });
    const otherKid = await pb.collection(children.name).create({ parent: other.id });
    await pb.collection(parents.name).delete(p.id);
    for (const kid of kids) await expectApiError(pb.collection(children.name).getOne(kid.id), 404);
    assert.equal((await pb.collection(children.name).getOne(otherKid.id)).parent, other.id);
  });

  test('delete without cascade removes the id from optional relations', async () => {
    const tags = await createBase(pb, 'tags', [{ name: 'name', type: 'text' }]);
    const items = await createBase(pb, 'items', [
      { name: 'tag', type: 'relation', collectionId: tags.id, maxSelect: 1 },
      { name: 'tagList', type: 'relation', collectionId: tags.id, maxSelect: 5 },
    ]);
    const t1 = await pb.collection(tags.name).create({ name: 't1' });
    const t2 = await pb.collection(tags.name).create({ name: 't2' });
    const item = await pb.collection(items.name).create({ tag: t1.id, tagList: [t1.id, t2.id] });
    await pb.collection(tags.name).delete(t1.id);
    const after = await pb.collection(items.name).getOne(item.id);
    assert.equal(after.tag, '');
    assert.deepEqual(after.tagList, [t2.id]);
  });

  test('delete blocked by a required relation (no cascade) → 400, nothing deleted', async () => {
    const owners = await createBase(pb, 'owners', [{ name: 'name', type: 'text' }]);
    const pets = await createBase(pb, 'pets', [
      { name: 'owner', type: 'relation', collectionId: owners.id, maxSelect: 1, required: true },
    ]);
    const o = await pb.collection(owners.name).create({ name: 'O' });
    const pet = await pb.collection(pets.name).create({ owner: o.id });
    await expectApiError(pb.collection(owners.name).delete(o.id), 400);
    assert.equal((await pb.collection(owners.name).getOne(o.id)).name, 'O');
    assert.equal((await pb.collection(pets.name).getOne(pet.id)).owner, o.id);
    // once the reference is gone the delete goes through
    await pb.collection(pets.name).delete(pet.id);
    await pb.collection(owners.name).delete(o.id);
    await expectApiError(pb.collection(owners.name).getOne(o.id), 404);
  });

  test('relation modifiers: rel+ and rel- on a multi relation', async () => {
    const t = await createBase(pb, 'rtgt', []);
    const s = await createBase(pb, 'rsrc', [
      { name: 'rel', type: 'relation', collectionId: t.id, maxSelect: 9 },
    ]);
    const [a, b, c] = [
      await pb.collection(t.name).create({}),
      await pb.collection(t.name).create({}),
      await pb.collection(t.name).create({}),
    ];
    const r = await pb.collection(s.name).create({ rel: [a.id] });
    let u = await pb.collection(s.name).update(r.id, { 'rel+': [b.id, c.id] });
    assert.deepEqual(u.rel, [a.id, b.id, c.id]);
    u = await pb.collection(s.name).update(r.id, { 'rel-': b.id });
    assert.deepEqual(u.rel, [a.id, c.id]);
  });
});

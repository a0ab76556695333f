import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { createBase } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('SDK: expand and fields', () => {
  let server: TestServer;
  let pb: PocketBase;
  const c = { orgs: '', authors: '', posts: '', comments: '' };
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    const orgs = await createBase(pb, 'orgs', [{ name: 'name', type: 'text' }], {
      listRule: '',
      viewRule: '',
    });
    const authors = await createBase(
      pb,
      'authors',
      [
        { name: 'name', type: 'text' },
        { name: 'org', type: 'relation', collectionId: orgs.id, maxSelect: 1 },
      ],
      { listRule: '', viewRule: '' },
    );
    const posts = await createBase(
      pb,
      'posts',
      [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'editor' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'coauthors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
      ],
      { listRule: '', viewRule: '' },
    );
    const comments = await createBase(
      pb,
      'comments',
      [
        { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 },
        { name: 'text', type: 'text' },
        { name: 'by', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      ],
      { listRule: '', viewRule: '' },
    );
    Object.assign(c, { orgs: orgs.name, authors: authors.name, posts: posts.name, comments: comments.name });
    ids.acme = (await pb.collection(c.orgs).create({ name: 'Acme' })).id;
    ids.ann = (await pb.collection(c.authors).create({ name: 'Ann', org: ids.acme })).id;
    ids.ben = (await pb.collection(c.authors).create({ name: 'Ben' })).id;
    ids.cat = (await pb.collection(c.authors).create({ name: 'Cat', org: ids.acme })).id;
    ids.p1 = (
      await pb.collection(c.posts).create({
        title: 'First post',
        body: '<p>Hello <b>world</b></p><p>and   more text</p>',
        author: ids.ann,
        coauthors: [ids.ben, ids.cat],
      })
    ).id;
    ids.p2 = (await pb.collection(c.posts).create({ title: 'Lonely', body: 'short' })).id;
    ids.c1 = (await pb.collection(c.comments).create({ post: ids.p1, text: 'nice', by: ids.ben })).id;
    ids.c2 = (await pb.collection(c.comments).create({ post: ids.p1, text: 'agreed', by: ids.cat })).id;
  });
  after(() => server.stop());

  test('expand a single relation', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, { expand: 'author' });
    assert.equal(r.author, ids.ann, 'the id stays in place');
    assert.equal(r.expand?.author.id, ids.ann);
    assert.equal(r.expand?.author.name, 'Ann');
    assert.equal(r.expand?.author.collectionName, c.authors);
    assert.equal(r.expand?.coauthors, undefined, 'only what was asked');
  });

  test('expand a multi relation answers a list in stored order', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, { expand: 'coauthors' });
    assert.ok(Array.isArray(r.expand?.coauthors));
    assert.deepEqual(
      r.expand?.coauthors.map((a: any) => a.name),
      ['Ben', 'Cat'],
    );
  });

  test('nested expand a.b, and several paths at once', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, { expand: 'author.org,coauthors.org' });
    assert.equal(r.expand?.author.expand.org.name, 'Acme');
    const [ben, cat] = r.expand?.coauthors ?? [];
    assert.equal(ben.expand?.org, undefined, 'Ben has no org');
    assert.equal(cat.expand.org.id, ids.acme);
  });

  test('expand in lists, and an empty relation expands to nothing', async () => {
    const list = await pb.collection(c.posts).getFullList({ expand: 'author', sort: 'title' });
    const [first, lonely] = list;
    assert.equal(first.expand?.author.name, 'Ann');
    assert.equal(lonely.title, 'Lonely');
    assert.equal(lonely.expand?.author, undefined);
  });

  test('back-relation expand x_via_y answers a list', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, { expand: `${c.comments}_via_post` });
    const comments = r.expand?.[`${c.comments}_via_post`];
    assert.ok(Array.isArray(comments));
    assert.deepEqual(comments.map((x: any) => x.text).sort(), ['agreed', 'nice']);
    // and nested through it
    const deep = await pb.collection(c.posts).getOne(ids.p1, { expand: `${c.comments}_via_post.by` });
    const names = deep.expand?.[`${c.comments}_via_post`].map((x: any) => x.expand.by.name).sort();
    assert.deepEqual(names, ['Ben', 'Cat']);
    const none = await pb.collection(c.posts).getOne(ids.p2, { expand: `${c.comments}_via_post` });
    assert.equal(none.expand?.[`${c.comments}_via_post`], undefined);
  });

  test('expand respects the related collection view rule for guests', async () => {
    const guest = server.client();
    const seen = await guest.collection(c.posts).getOne(ids.p1, { expand: 'author' });
    assert.equal(seen.expand?.author.name, 'Ann');
    await pb.collections.update(c.authors, { viewRule: null });
    try {
      const hidden = await guest.collection(c.posts).getOne(ids.p1, { expand: 'author' });
      assert.equal(hidden.author, ids.ann);
      assert.equal(hidden.expand?.author, undefined, 'not expanded when the guest cannot view it');
      const su = await pb.collection(c.posts).getOne(ids.p1, { expand: 'author' });
      assert.equal(su.expand?.author.name, 'Ann', 'superusers still see it');
    } finally {
      await pb.collections.update(c.authors, { viewRule: '' });
    }
  });

  // A deliberate difference: PocketBase skips unknown expand paths (200); Basalt answers
  // 400 naming the path, so a typo in `expand` is found instead of silently ignored.
  test('an unknown expand path is a 400 naming it', async () => {
    await assert.rejects(pb.collection(c.posts).getOne(ids.p1, { expand: 'nosuchfield' }), (e: any) => {
      assert.equal(e.status, 400);
      assert.match(e.response.message, /nosuchfield/);
      return true;
    });
  });

  test('fields picks top-level keys', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, { fields: 'id,title' });
    assert.deepEqual(Object.keys(r).sort(), ['id', 'title']);
    const list = await pb.collection(c.posts).getList(1, 10, { fields: 'title' });
    assert.ok(list.items.every((x) => Object.keys(x).join() === 'title'));
    assert.equal(list.totalItems, 2, 'fields does not touch the list envelope');
  });

  test('fields with expand.author.name and *', async () => {
    const r = await pb.collection(c.posts).getOne(ids.p1, {
      expand: 'author,coauthors',
      fields: 'title,expand.author.name,expand.coauthors.id',
    });
    assert.deepEqual(Object.keys(r).sort(), ['expand', 'title']);
    assert.deepEqual(r.expand?.author, { name: 'Ann' });
    assert.deepEqual(r.expand?.coauthors, [{ id: ids.ben }, { id: ids.cat }]);

    const star = await pb
      .collection(c.posts)
      .getOne(ids.p1, { expand: 'author', fields: '*,expand.author.name' });
    assert.equal(star.title, 'First post');
    assert.equal(star.collectionName, c.posts);
    assert.deepEqual(star.expand?.author, { name: 'Ann' });

    const nestedStar = await pb
      .collection(c.posts)
      .getOne(ids.p1, { expand: 'author.org', fields: 'id,expand.author.expand.org.*' });
    assert.equal(nestedStar.expand?.author.expand.org.name, 'Acme');
    assert.equal(nestedStar.expand?.author.name, undefined);
  });

  test('fields :excerpt(max, withEllipsis) strips HTML and truncates', async () => {
    const r = await pb
      .collection(c.posts)
      .getOne(ids.p1, { fields: 'body:excerpt(5,true),title:excerpt(100)' });
    assert.equal(r.body, 'Hello...');
    assert.equal(r.title, 'First post');
    const long = await pb.collection(c.posts).getOne(ids.p1, { fields: 'body:excerpt(200)' });
    assert.equal(long.body, 'Hello world and more text');
    const noDots = await pb.collection(c.posts).getOne(ids.p1, { fields: 'body:excerpt(8)' });
    assert.equal(noDots.body, 'Hello wo');
    const short = await pb.collection(c.posts).getOne(ids.p2, { fields: 'body:excerpt(10,true)' });
    assert.equal(short.body, 'short', 'no ellipsis when nothing was cut');
  });

  test('fields and expand apply to create and update answers too', async () => {
    const created = await pb
      .collection(c.posts)
      .create({ title: 'Fresh', author: ids.ben }, { expand: 'author', fields: 'id,expand.author.name' });
    assert.deepEqual(Object.keys(created).sort(), ['expand', 'id']);
    assert.deepEqual(created.expand?.author, { name: 'Ben' });
    const updated = await pb
      .collection(c.posts)
      .update(created.id, { author: ids.cat }, { expand: 'author', fields: 'expand.author.name' });
    assert.deepEqual(updated, { expand: { author: { name: 'Cat' } } });
  });
});

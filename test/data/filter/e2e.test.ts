import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestInfo } from '../../../src/data/filter/index.ts';
import { comments, openDb, posts, users } from './fixture.ts';
import { evalIds, type Extra, sqlIds } from './helpers.ts';

const { db, stored } = openDb({
  orgs: [
    { id: 'o1', name: 'Acme', kinds: ['x', 'y'] },
    { id: 'o2', name: 'Beta', kinds: [] },
  ],
  users: [
    {
      id: 'u1',
      name: 'Ann',
      email: 'ann@x.io',
      emailVisibility: true,
      verified: true,
      age: 30,
      secret: 's1',
      org: 'o1',
    },
    { id: 'u2', name: 'Bob', email: 'bob@x.io', emailVisibility: false, age: 20, secret: 's2', org: 'o2' },
    { id: 'u3', name: 'cy', email: 'cy@x.io', emailVisibility: true, age: 0 },
  ],
  tags: [
    { id: 't1', name: 'js', weight: 1 },
    { id: 't2', name: 'go', weight: 2 },
    { id: 't3', name: 'Rust_lang', weight: 3 },
  ],
  posts: [
    {
      id: 'p1',
      title: 'Hello World',
      views: 10,
      published: true,
      author: 'u1',
      tags: ['t1', 't2'],
      status: 'live',
      labels: ['a', 'b'],
      data: { a: { b: 1 }, list: [5, 6] },
      created: '2024-01-02 10:00:00.000Z',
    },
    {
      id: 'p2',
      title: '50% off',
      views: 5.5,
      author: 'u2',
      tags: ['t1'],
      status: 'draft',
      labels: ['a'],
      data: [1, 2],
      created: '2023-06-01 00:00:00.000Z',
    },
    { id: 'p3', title: '', views: 0, tags: [], labels: [], created: '' },
    {
      id: 'p4',
      title: 'under_score\\path',
      views: -3,
      author: 'u3',
      tags: ['t3', 'missing'],
      labels: ['c'],
      data: 'plain',
    },
  ],
  comments: [
    { id: 'c1', post: 'p1', body: 'nice', likes: 3, mentions: ['u1', 'u2'] },
    { id: 'c2', post: 'p1', body: 'meh', likes: 1, mentions: [] },
    { id: 'c3', post: 'p2', body: 'wow', likes: 7, mentions: ['u2'] },
  ],
});

const annRequest: RequestInfo = {
  auth: { id: 'u1', collectionId: 'c_users', collectionName: 'users', email: 'ann@x.io', verified: true },
  body: { title: 'Hello World', views: '10', tags: ['t2', 't3'], author: 'u2' },
  query: { q: 'go' },
  headers: { 'X-Token': 'abc' },
  method: 'PATCH',
  context: 'default',
};

function check(collection: typeof posts, filter: string, expected: string[], extra: Extra = {}) {
  it(filter, () => {
    assert.deepEqual(sqlIds(db, collection, filter, extra), expected, 'SQLite result');
    assert.deepEqual(evalIds(stored, collection, filter, extra), expected, 'evaluator result');
  });
}

describe('filter end to end on SQLite (and the evaluator agrees)', () => {
  describe('plain fields', () => {
    check(posts, "title = 'Hello World'", ['p1']);
    check(posts, 'title = ""', ['p3']);
    check(posts, 'title = null', ['p3']);
    check(posts, "title != ''", ['p1', 'p2', 'p4']);
    check(posts, 'views > 5', ['p1', 'p2']);
    check(posts, 'views >= 5.5 && views < 10', ['p2']);
    check(posts, 'views <= -3', ['p4']);
    check(posts, 'published = true', ['p1']);
    check(posts, 'published = false', ['p2', 'p3', 'p4']);
    check(posts, "title ~ 'WORLD'", ['p1']);
    check(posts, "title !~ 'o'", ['p3']);
    check(posts, "title ~ '50%'", ['p2']);
    check(posts, "title ~ '_score'", ['p4']);
    check(posts, "title ~ 'e_s'", []);
    check(posts, "title ~ 'score\\\\path'", ['p4']);
    check(posts, "created > '2024-01-01'", ['p1']);
    check(posts, "created = ''", ['p3', 'p4']);
    check(posts, "status = 'live' || views < 0", ['p1', 'p4']);
    check(posts, "(status = 'live' || views < 0) && title ~ 'path'", ['p4']);
    check(posts, "status = 'live' || views < 0 && title ~ 'path'", ['p1', 'p4']);
    check(posts, "title:lower = 'hello world'", ['p1']);
    check(posts, '// comment\nviews > 9 // trailing', ['p1']);
  });

  describe('json paths', () => {
    check(posts, 'data.a.b = 1', ['p1']);
    check(posts, 'data.list.1 = 6', ['p1']);
    check(posts, 'data.0 = 1', ['p2']);
    check(posts, 'data = null', ['p3']);
    check(posts, "data = 'plain'", ['p4']);
    check(posts, 'data.a.b != 1', ['p2', 'p3', 'p4']);
  });

  describe('relations', () => {
    check(posts, "author.name = 'Ann'", ['p1']);
    check(posts, "author.org.name = 'Beta'", ['p2']);
    check(posts, "author.id = 'u2'", ['p2']);
    check(posts, "author = ''", ['p3']);
    check(posts, "author.name = ''", ['p3']);
    check(posts, "tags.name ?= 'go'", ['p1']);
    check(posts, "tags.name = 'js'", ['p2']);
    check(posts, "tags.name != 'js'", ['p3', 'p4']);
    check(posts, "tags.name ?!= 'js'", ['p1', 'p3', 'p4']);
    // a dangling id reads as NULL; NULL > 0 is unknown, which does not count as a failed item
    check(posts, 'tags.weight > 0', ['p1', 'p2', 'p4']);
    check(posts, 'tags.weight ?> 1', ['p1', 'p4']);
    check(posts, "tags.name ?~ 'RUST'", ['p4']);
    check(posts, 'tags:length = 2', ['p1', 'p4']);
    check(posts, 'tags:length = 0', ['p3']);
    check(posts, "labels:each = 'a'", ['p2']);
    check(posts, "labels:each ?= 'b'", ['p1']);
    check(posts, "labels ~ 'b'", ['p1']);
    check(posts, "status:each = 'live'", ['p1']);
    check(posts, 'author.org.kinds:length > 1', ['p1']);
    // like PocketBase, both expressions read the same joined tag, which cannot be both
    check(posts, "tags.name ?= 'js' && tags.name ?= 'go'", []);
    check(posts, "tags.name ?= 'js' || tags.name ?= 'Rust_lang'", ['p1', 'p2', 'p4']);
    check(posts, "tags.name ?= 'js' && views > 6", ['p1']);
    // SQLite may substitute `labels = 'x'` into labels:length; JSON helpers must survive non-JSON text
    check(posts, "labels = 'zz' && labels:length = 1", []);
    check(posts, "labels = '[\"a\"]' && labels:length = 1 && labels:each = 'a'", ['p2']);
    check(posts, "tags = 't1' && tags.name ?= 'js'", []);
  });

  describe('back-relations', () => {
    check(posts, 'comments_via_post.likes ?> 2', ['p1', 'p2']);
    check(posts, 'comments_via_post.likes > 2', ['p2']);
    check(posts, "comments_via_post.body ?= 'meh'", ['p1']);
    check(posts, "comments_via_post.id = ''", ['p3', 'p4']);
    check(users, "comments_via_mentions.body ?= 'wow'", ['u2']);
    check(users, 'comments_via_mentions.post.views ?> 7', ['u1', 'u2']);
  });

  describe('@collection', () => {
    check(posts, "@collection.tags.name ?= 'go' && views > 6", ['p1']);
    check(posts, '@collection.comments.post ?= id', ['p1', 'p2']);
    // without `?`, every comment must have likes > 2
    check(posts, '@collection.comments.post ?= id && @collection.comments.likes > 2', []);
    check(posts, '@collection.comments.post ?= id && @collection.comments.likes ?> 2', ['p1', 'p2']);
    check(posts, '@collection.comments:c.post ?= id && @collection.comments:c.likes ?> 2', ['p1', 'p2']);
    check(posts, "@collection.comments:c.post ?= id && @collection.comments:c.body ?= 'meh'", ['p1']);
    check(posts, "@collection.comments:a.post ?= id && @collection.comments:b.body ?= 'wow'", ['p1', 'p2']);
  });

  describe('@request', () => {
    const req = { request: annRequest };
    check(posts, '@request.auth.id = author', ['p1'], req);
    check(posts, "@request.auth.id != ''", ['p1', 'p2', 'p3', 'p4'], req);
    check(posts, "@request.auth.id = ''", ['p1', 'p2', 'p3', 'p4'], {});
    check(posts, "@request.auth.id = ''", [], req);
    check(posts, "@request.auth.org.name = 'Acme' && views > 6", ['p1'], req);
    check(posts, '@request.auth.age > 25', ['p1', 'p2', 'p3', 'p4'], req);
    check(posts, '@request.auth.age > 25', [], {});
    check(posts, 'author.org = @request.auth.org', ['p1'], req);
    check(posts, "@request.method = 'PATCH' && views > 6", ['p1'], req);
    check(posts, "@request.context = 'default' && views < 0", ['p4'], req);
    check(posts, "@request.headers.x_token = 'abc' && views < 0", ['p4'], req);
    check(posts, 'tags.name ?= @request.query.q', ['p1'], req);
    check(posts, '@request.query.missing = null && views < 0', ['p4'], req);
    check(posts, '@request.body.views = views', ['p1'], req);
    check(posts, '@request.body.title:isset = true && views < 0', ['p4'], req);
    check(posts, '@request.body.nope:isset = true', [], req);
    check(posts, '@request.body.title:changed = false', ['p1'], req);
    check(posts, '@request.body.title:changed = true', ['p2', 'p3', 'p4'], req);
    check(posts, '@request.body.views:changed = true', ['p2', 'p3', 'p4'], req);
    check(posts, '@request.body.status:changed = true', [], req);
    check(posts, '@request.body.tags:length = 2 && views < 0', ['p4'], req);
    check(posts, '@request.body.tags:each ?= tags.id', ['p1', 'p4'], req);
    check(posts, "@request.body.tags.name ?= 'go' && views < 0", ['p4'], req);
    check(posts, "@request.body.tags.name = 'go'", [], req);
    check(posts, "@request.body.author.name = 'Bob' && views < 0", ['p4'], req);
    check(posts, "@request.body.title:lower = 'hello world' && views < 0", ['p4'], req);
  });

  describe('hidden fields and email visibility', () => {
    check(users, "email = 'ann@x.io'", ['u1']);
    check(users, "email = 'bob@x.io'", []);
    check(users, "email = 'bob@x.io'", ['u2'], { allowHiddenFields: true });
    check(users, "secret = 's1'", ['u1'], { allowHiddenFields: true });
    it('refuses a hidden field in a client filter', () => {
      assert.throws(
        () => sqlIds(db, users, "secret = 's1'"),
        /field "secret" of collection "users" is hidden/,
      );
    });
  });

  describe('macros', () => {
    const now = new Date('2024-01-02T12:00:00.000Z');
    check(posts, 'created > @yesterday', ['p1'], { now });
    check(posts, 'created >= @todayStart && created <= @todayEnd', ['p1'], { now });
    check(posts, "created < @yearStart && created != ''", ['p2'], { now });
    check(
      posts,
      '@year = 2024 && @month = 1 && @day = 2 && @weekday = 2 && @hour = 12 && views < 0',
      ['p4'],
      { now },
    );
  });

  describe('literal-only expressions', () => {
    check(comments, '1 = 1', ['c1', 'c2', 'c3']);
    check(comments, "'a' = 'b'", []);
    check(comments, 'null = ""', ['c1', 'c2', 'c3']);
    check(comments, 'true != false && likes > 5', ['c3']);
  });
});

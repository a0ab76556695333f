import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { createBase, expectApiError } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// title, views, tags, author, reviewers, published, status
type Row = [string, number, string[], string, string[], string, string];
const POSTS: Row[] = [
  ['Alpha', 1, ['a'], 'Alice', ['Bob'], '2000-01-01', 'draft'],
  ['Beta', 2, ['a', 'b'], 'Alice', ['Bob', 'Carol'], '2000-01-02', 'live'],
  ['Gamma', 3, ['b'], 'Bob', [], '2999-01-01', 'live'],
  ['Delta', 4, ['c'], 'Bob', ['Alice'], '2000-01-04', 'draft'],
  ['Epsilon', 5, ['a', 'b', 'c'], 'Carol', [], '2000-01-05', 'live'],
  ['Zeta', 6, ['a'], '', [], '2999-01-06', 'draft'],
  ["O'Hara", 7, ['b'], 'Carol', ['Alice', 'Bob'], '2000-01-07', 'live'],
  ['eta lower', 8, ['c'], '', [], '2000-01-08', 'draft'],
  ['Theta', 9, ['a', 'c'], 'Alice', [], '2000-01-09', 'live'],
  ['Iota', 10, ['a', 'c'], 'Alice', [], '2000-01-10', 'live'],
  ['Kappa', 11, ['a', 'c'], 'Alice', [], '2000-01-11', 'live'],
  ['Lambda', 12, ['a', 'c'], 'Alice', [], '2000-01-12', 'live'],
];
const COMMENTS: [string, string][] = [
  ['Alpha', 'great post'],
  ['Alpha', 'meh'],
  ['Beta', 'Great!'],
  ['Gamma', 'bad'],
];

describe('SDK: list queries', () => {
  let server: TestServer;
  let pb: PocketBase;
  let posts: string;
  const postIds = new Map<string, string>();

  const titles = async (filter: string, sort = 'views') =>
    (await pb.collection(posts).getFullList({ filter, sort })).map((r) => r.title);

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    const authors = await createBase(pb, 'authors', [
      { name: 'name', type: 'text' },
      { name: 'active', type: 'bool' },
    ]);
    const postsC = await createBase(pb, 'posts', [
      { name: 'title', type: 'text' },
      { name: 'views', type: 'number' },
      { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
      { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
      { name: 'reviewers', type: 'relation', collectionId: authors.id, maxSelect: 5 },
      { name: 'published', type: 'date' },
      { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
      { name: 'created', type: 'autodate', onCreate: true },
    ]);
    posts = postsC.name;
    const comments = await createBase(pb, 'comments', [
      { name: 'post', type: 'relation', collectionId: postsC.id, maxSelect: 1 },
      { name: 'body', type: 'text' },
    ]);
    const authorIds = new Map<string, string>();
    for (const [name, active] of [
      ['Alice', true],
      ['Bob', false],
      ['Carol', true],
    ] as const) {
      authorIds.set(name, (await pb.collection(authors.name).create({ name, active })).id);
    }
    for (const [title, views, tags, author, reviewers, published, status] of POSTS) {
      const r = await pb.collection(posts).create({
        title,
        views,
        tags,
        author: authorIds.get(author) ?? '',
        reviewers: reviewers.map((n) => authorIds.get(n)),
        published: `${published} 10:00:00.000Z`,
        status,
      });
      postIds.set(title, r.id);
    }
    for (const [post, body] of COMMENTS) {
      await pb.collection(comments.name).create({ post: postIds.get(post), body });
    }
  });
  after(() => server.stop());

  test('pagination: page, perPage, totalItems, totalPages', async () => {
    const c = pb.collection(posts);
    const first = await c.getList(1, 5, { sort: 'views' });
    assert.equal(first.page, 1);
    assert.equal(first.perPage, 5);
    assert.equal(first.totalItems, 12);
    assert.equal(first.totalPages, 3);
    assert.deepEqual(
      first.items.map((r) => r.views),
      [1, 2, 3, 4, 5],
    );
    const last = await c.getList(3, 5, { sort: 'views' });
    assert.equal(last.page, 3);
    assert.deepEqual(
      last.items.map((r) => r.views),
      [11, 12],
    );
    const beyond = await c.getList(9, 5);
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.totalItems, 12);
    const defaults = await c.getList();
    assert.equal(defaults.page, 1);
    assert.equal(defaults.perPage, 30);
  });

  test('perPage over 1000 is capped at 1000', async () => {
    const list = await pb.collection(posts).getList(1, 5000);
    assert.equal(list.perPage, 1000);
    assert.equal(list.items.length, 12);
  });

  test('skipTotal answers -1 totals', async () => {
    const list = await pb.collection(posts).getList(1, 3, { skipTotal: true, sort: 'views' });
    assert.equal(list.totalItems, -1);
    assert.equal(list.totalPages, -1);
    assert.equal(list.items.length, 3);
  });

  test('sort: several keys, descending, relation field, @random', async () => {
    const c = pb.collection(posts);
    const byStatus = await c.getFullList({ sort: 'status,-views' });
    assert.deepEqual(
      byStatus.map((r) => r.views),
      [8, 6, 4, 1, 12, 11, 10, 9, 7, 5, 3, 2],
    );
    const byAuthor = await c.getFullList({ sort: '-author.name,title', filter: "author != ''" });
    assert.deepEqual(
      byAuthor.map((r) => r.title),
      ['Epsilon', "O'Hara", 'Delta', 'Gamma', 'Alpha', 'Beta', 'Iota', 'Kappa', 'Lambda', 'Theta'],
    );
    const random = await c.getFullList({ sort: '@random' });
    assert.equal(random.length, 12);
    assert.deepEqual(new Set(random.map((r) => r.title)), new Set(POSTS.map((p) => p[0])));
    // different orders across a few tries (the chance of 5 identical shuffles of 12 is nil)
    const orders = new Set<string>();
    for (let i = 0; i < 5; i++) {
      orders.add((await c.getFullList({ sort: '@random', fields: 'id' })).map((r) => r.id).join());
    }
    assert.ok(orders.size > 1, '@random shuffles');
    await expectApiError(c.getList(1, 10, { sort: 'nosuchfield' }), 400);
  });

  test('filter: comparison operators on numbers', async () => {
    assert.deepEqual(await titles('views > 10'), ['Kappa', 'Lambda']);
    assert.deepEqual(await titles('views >= 11'), ['Kappa', 'Lambda']);
    assert.deepEqual(await titles('views < 3'), ['Alpha', 'Beta']);
    assert.deepEqual(await titles('views <= 2'), ['Alpha', 'Beta']);
    assert.deepEqual(await titles('views = 5'), ['Epsilon']);
    assert.equal((await titles('views != 5')).length, 11);
  });

  test('filter: ~ and !~ (case-insensitive contains), explicit % wildcard', async () => {
    assert.deepEqual(await titles("title ~ 'ETA'"), ['Beta', 'Zeta', 'eta lower', 'Theta']);
    assert.equal((await titles("title !~ 'eta'")).length, 8);
    assert.deepEqual(await titles("title ~ 'eta%'"), ['eta lower']);
  });

  // PocketBase compares a multi select's stored JSON text unless `:each` expands it
  // (core/record_field_resolver_runner.go): `tags:each ?= x` is "any", `tags:each = x` is "all".
  test('filter: multi select with :each ?= (any), :each = (all), ~, :length', async () => {
    assert.deepEqual(await titles("tags:each ?= 'b'"), ['Beta', 'Gamma', 'Epsilon', "O'Hara"]);
    assert.deepEqual(await titles("tags ~ 'b'"), ['Beta', 'Gamma', 'Epsilon', "O'Hara"]);
    assert.deepEqual(await titles("tags:each = 'a'"), ['Alpha', 'Zeta']);
    assert.deepEqual(await titles("tags:each ?> 'b'"), [
      'Delta',
      'Epsilon',
      'eta lower',
      'Theta',
      'Iota',
      'Kappa',
      'Lambda',
    ]);
    assert.deepEqual(await titles("tags:each ?!= 'a'"), [
      'Beta',
      'Gamma',
      'Delta',
      'Epsilon',
      "O'Hara",
      'eta lower',
      'Theta',
      'Iota',
      'Kappa',
      'Lambda',
    ]);
    assert.deepEqual(await titles('tags:length = 3'), ['Epsilon']);
    assert.deepEqual(await titles('tags:length > 1 && views < 9'), ['Beta', 'Epsilon']);
  });

  test('filter: && || and parentheses', async () => {
    assert.deepEqual(await titles("views > 5 && (tags:each ?= 'b' || status = 'draft')"), [
      'Zeta',
      "O'Hara",
      'eta lower',
    ]);
    assert.deepEqual(await titles("views > 5 && tags:each ?= 'b' || status = 'draft'"), [
      'Alpha',
      'Delta',
      'Zeta',
      "O'Hara",
      'eta lower',
    ]);
    assert.deepEqual(await titles("(views = 1 || views = 2) && (status = 'live')"), ['Beta']);
  });

  test('filter: null and empty comparisons', async () => {
    assert.deepEqual(await titles('author = null'), ['Zeta', 'eta lower']);
    assert.deepEqual(await titles("author = ''"), ['Zeta', 'eta lower']);
    assert.equal((await titles('author != null')).length, 10);
    assert.deepEqual(await titles('reviewers:length = 0 && views < 5'), ['Gamma']);
  });

  test('filter: relation paths (single and multi)', async () => {
    assert.deepEqual(await titles("author.name = 'Bob'"), ['Gamma', 'Delta']);
    assert.deepEqual(await titles('author.active = false'), ['Gamma', 'Delta']);
    assert.deepEqual(await titles("reviewers.name ?= 'Bob'"), ['Alpha', 'Beta', "O'Hara"]);
    assert.deepEqual(await titles("reviewers.name ?= 'Alice' && author.name = 'Carol'"), ["O'Hara"]);
  });

  test('filter: back-relations x_via_y', async () => {
    const c = (await pb.collections.getFullList({ filter: "name ~ 'comments_'" }))[0].name;
    assert.deepEqual(await titles(`${c}_via_post.body ?~ 'great'`), ['Alpha', 'Beta']);
    assert.deepEqual(await titles(`${c}_via_post.body ?= 'bad'`), ['Gamma']);
    assert.deepEqual(await titles(`${c}_via_post.id != ''`), ['Alpha', 'Beta', 'Gamma']);
  });

  test('filter: :lower modifier', async () => {
    assert.deepEqual(await titles("title:lower = 'alpha'"), ['Alpha']);
    assert.deepEqual(await titles("title:lower ~ 'eta l'"), ['eta lower']);
  });

  test('filter: datetime macros', async () => {
    assert.deepEqual(await titles('published > @now'), ['Gamma', 'Zeta']);
    assert.equal((await titles('published < @now')).length, 10);
    assert.equal((await titles('created > @yesterday && created < @tomorrow')).length, 12);
    assert.equal((await titles('created >= @todayStart && created <= @todayEnd')).length, 12);
    assert.equal((await titles('@year > 2020')).length, 12);
    assert.deepEqual(await titles("published < '2000-01-03'"), ['Alpha', 'Beta']);
  });

  test('pb.filter() with params, quotes escaped; Date and number params', async () => {
    const c = pb.collection(posts);
    const one = await c.getFullList({ filter: pb.filter('title = {:t}', { t: "O'Hara" }) });
    assert.deepEqual(
      one.map((r) => r.title),
      ["O'Hara"],
    );
    const both = await c.getFullList({
      filter: pb.filter('views > {:min} && published < {:before} && status = {:s}', {
        min: 3,
        before: new Date('2000-01-06T00:00:00Z'),
        s: 'live',
      }),
      sort: 'views',
    });
    assert.deepEqual(
      both.map((r) => r.title),
      ['Epsilon'],
    );
    // an injection attempt stays a literal string
    const none = await c.getFullList({
      filter: pb.filter('title = {:t}', { t: "x' || views > 0 || title = '" }),
    });
    assert.deepEqual(none, []);
  });

  test('getFirstListItem: first match, 404 when none', async () => {
    const c = pb.collection(posts);
    const first = await c.getFirstListItem("status = 'draft'", { sort: '-views' });
    assert.equal(first.title, 'eta lower');
    await expectApiError(c.getFirstListItem("title = 'nope'"), 404);
  });

  test('getFullList with a batch size pages through everything', async () => {
    const client = await server.superuser();
    const urls: string[] = [];
    client.beforeSend = (url, options) => {
      urls.push(`${url}?${new URLSearchParams(options.query as Record<string, string>)}`);
      return { url, options };
    };
    const all = await client.collection(posts).getFullList({ batch: 5, sort: 'views' });
    assert.equal(all.length, 12);
    assert.deepEqual(
      all.map((r) => r.views),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert.equal(urls.length, 3, 'three pages of 5');
    assert.ok(urls.every((u) => u.includes('perPage=5') && /skipTotal=(1|true)/.test(u)));
  });

  test('bad filters → 400: syntax, unknown field, unknown macro', async () => {
    const c = pb.collection(posts);
    await expectApiError(c.getList(1, 10, { filter: 'views >' }), 400);
    await expectApiError(c.getList(1, 10, { filter: "nosuchfield = 'x'" }), 400);
    await expectApiError(c.getList(1, 10, { filter: 'created > @someday' }), 400);
    await expectApiError(c.getList(1, 10, { filter: '(views > 1' }), 400);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, compileSort, type RequestInfo } from '../../../src/data/filter/index.ts';
import { sqliteDialect } from '../../../src/db/dialects/sqlite.ts';
import { ApiError } from '../../../src/lib/errors.ts';
import { posts, users } from './fixture.ts';
import { options } from './helpers.ts';

const extract = (col: string) => sqliteDialect.jsonExtract(col, '?');
const c = (text: string, extra = {}) => compileFilter(text, options(posts, extra));

describe('filter compiler SQL', () => {
  const cases: [string, string, unknown[]][] = [
    ["title = 'x'", '"t"."title" = ?', ['x']],
    ["title != 'x'", '"t"."title" IS NOT ?', ['x']],
    ["title = ''", `("t"."title" = '' OR "t"."title" IS NULL)`, []],
    ['title != null', `("t"."title" IS NOT '' AND "t"."title" IS NOT NULL)`, []],
    ['title = views', `COALESCE("t"."title", '') = COALESCE("t"."views", '')`, []],
    ["'' = null", '1=1', []],
    ['published = true', '"t"."published" = 1', []],
    ['views >= -1.5', '"t"."views" >= ?', [-1.5]],
    ["title ~ 'a_b'", `"t"."title" LIKE ? ESCAPE '\\'`, ['%a\\_b%']],
    ["title !~ 'a%'", `"t"."title" NOT LIKE ? ESCAPE '\\'`, ['a%']],
    ['title ~ status', `"t"."title" LIKE ('%' || "t"."status" || '%') ESCAPE '\\'`, []],
    ['data.a.0 = 1', `${extract('"t"."data"')} IS ?`, ['$."a"[0]', 1]],
    ['tags:length > 1', `${sqliteDialect.jsonArrayLength('"t"."tags"')} > ?`, [1]],
    ['status:length = 1', `(CASE WHEN "t"."status" IS NULL OR "t"."status" = '' THEN 0 ELSE 1 END) = ?`, [1]],
    ["author.id = 'u1'", '"t"."author" = ?', ['u1']],
    [
      "author.name = 'x'",
      'EXISTS (SELECT 1 FROM (SELECT 1) AS "__j2" LEFT JOIN "users" AS "__j1" ON "__j1"."id" = "t"."author" WHERE "__j1"."name" = ?)',
      ['x'],
    ],
    [
      "tags.name ?= 'x'",
      `EXISTS (SELECT 1 FROM (SELECT 1) AS "__j5" LEFT JOIN json_each(${sqliteDialect.jsonArray('"t"."tags"')}) AS "__j1" ON 1=1 LEFT JOIN "tags" AS "__j2" ON "__j2"."id" = "__j1"."value" WHERE "__j2"."name" = ?)`,
      ['x'],
    ],
    [
      'comments_via_post.likes > 1',
      'EXISTS (SELECT 1 FROM (SELECT 1) AS "__j4" LEFT JOIN "comments" AS "__j1" ON "__j1"."post" = "t"."id" WHERE ("__j1"."likes" > ? AND NOT EXISTS (SELECT 1 FROM (SELECT 1) AS "__j3" LEFT JOIN "comments" AS "__j2" ON "__j2"."post" = "t"."id" WHERE NOT ("__j2"."likes" > ?))))',
      [1, 1],
    ],
  ];
  for (const [filter, sql, params] of cases) {
    it(filter, () => assert.deepEqual(c(filter), { sql, params }));
  }

  it('reads @request values as bound params and NULL when absent', () => {
    const request: RequestInfo = {
      auth: { id: 'u1' },
      body: { n: 2 },
      query: {},
      headers: {},
      method: 'GET',
      context: 'default',
    };
    assert.deepEqual(c('@request.auth.id = author', { request }), {
      sql: '? = "t"."author"',
      params: ['u1'],
    });
    assert.deepEqual(c('@request.auth.id = author'), {
      sql: `("t"."author" = '' OR "t"."author" IS NULL)`,
      params: [],
    });
    assert.deepEqual(c('@request.body.n:isset = true', { request }), { sql: '1 = 1', params: [] });
    assert.deepEqual(c("@request.method = 'GET'", { request }), { sql: '? = ?', params: ['GET', 'GET'] });
  });

  it('binds every value: no user text reaches the SQL', () => {
    const evil = `x'; DROP TABLE posts; --`;
    const q = c(`title = "${evil}" || title ~ "${evil}"`);
    assert.ok(!q.sql.includes('DROP'));
    assert.equal(q.sql.split('?').length - 1, q.params.length);
  });

  const refusals: [string, RegExp][] = [
    ['nope = 1', /unknown field "nope" in collection "posts"/],
    ['author.nope = 1', /unknown field "nope" in collection "users"/],
    ['title.x = 1', /field "title" of collection "posts" is not a relation/],
    ['author.secret = 1', /field "secret" of collection "users" is hidden/],
    ['title:each = 1', /":each" works only on select, relation and file fields/],
    ['title:bogus = 1', /unknown modifier in "title:bogus"/],
    ['title:isset = 1', /":isset" works only on @request.body fields/],
    ['@nope = 1', /unknown identifier "@nope" at position 1/],
    ['@collection.nope.x = 1', /unknown collection "nope"/],
    ['@collection.users = 1', /needs a field after the collection/],
    ['@request.foo = 1', /unknown request property "@request.foo"/],
    ['x_via_post.a = 1', /"x_via_post" is not a back-relation/],
  ];
  for (const [filter, message] of refusals) {
    it(`refuses ${filter}`, () => {
      const request: RequestInfo = {
        auth: null,
        body: {},
        query: {},
        headers: {},
        method: 'GET',
        context: 'default',
      };
      assert.throws(
        () => c(filter, { request }),
        (err: unknown) =>
          err instanceof ApiError && err.kind === 'invalid_filter' && message.test(err.message),
      );
    });
  }
});

describe('sort compiler', () => {
  const s = (text: string) => compileSort(text, options(posts));
  it('compiles keys with directions', () => {
    assert.deepEqual(s('-views, title ,+id'), {
      sql: '"t"."views" DESC, "t"."title" ASC, "t"."id" ASC',
      params: [],
    });
  });
  it('supports @random, @rowid, json paths and single relation paths', () => {
    assert.deepEqual(s('@random,-@rowid'), { sql: 'RANDOM(), "t"."_rowid_" DESC', params: [] });
    assert.deepEqual(s('data.a'), { sql: `${extract('"t"."data"')} ASC`, params: ['$."a"'] });
    assert.deepEqual(s('-author.name'), {
      sql: '(SELECT "__j1"."name" FROM (SELECT 1) AS "__j2" LEFT JOIN "users" AS "__j1" ON "__j1"."id" = "t"."author") DESC',
      params: [],
    });
  });
  const refusals: [string, RegExp][] = [
    ['tags.name', /may hold several values/],
    ['nope', /unknown field "nope" in collection "posts"/],
    ['title,,views', /sort key 2 is empty/],
    ['@request.auth.id', /is not a field name/],
    ['a,b,c,d,e,f,g,h,i', /9 sort keys given; the limit is 8/],
  ];
  for (const [text, message] of refusals) {
    it(`refuses ${text}`, () => {
      assert.throws(
        () => s(text),
        (err: unknown) => err instanceof ApiError && err.kind === 'invalid_sort' && message.test(err.message),
      );
    });
  }
  it('refuses hidden fields of related records for client sorts only', () => {
    assert.throws(() => compileSort('secret', options(users)), /hidden/);
    assert.doesNotThrow(() => compileSort('secret', options(users, { allowHiddenFields: true })));
  });
});

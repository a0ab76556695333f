import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type FilterNode, formatFilter, type ValueNode } from '../../../src/data/filter/ast.ts';
import { compileFilter, parseFilter, type RequestInfo } from '../../../src/data/filter/index.ts';
import { ApiError } from '../../../src/lib/errors.ts';
import { openDb, posts } from './fixture.ts';
import { evalIds, options, sqlIds } from './helpers.ts';

const TEXTS = [
  '',
  'a',
  'A',
  'go',
  'js',
  '5',
  '5.0',
  '%',
  'a%',
  '_',
  '\\',
  'É',
  'é',
  'live',
  "x'y",
  '2024',
  'u1',
  't1',
];
const NUMBERS = [-3, 0, 1, 2.5, 5, 10];
const FIELDS = [
  'id',
  'title',
  'views',
  'published',
  'status',
  'created',
  'author',
  'author.id',
  'author.name',
  'author.age',
  'author.org.name',
  'author.org.kinds:length',
  'tags.name',
  'tags.weight',
  'tags.id',
  'tags:length',
  'labels',
  'labels:each',
  'labels:length',
  'status:each',
  'data',
  'data.a',
  'data.0',
  'data.a.b',
  'title:lower',
  'author.name:lower',
  'comments_via_post.likes',
  'comments_via_post.body',
  'comments_via_post.mentions.name',
  '@collection.tags.weight',
  '@collection.comments:c.likes',
  '@collection.comments:c.post',
  '@request.auth.name',
  '@request.auth.age',
  '@request.auth.id',
  '@request.body.title',
  '@request.body.views',
  '@request.body.tags:each',
  '@request.body.labels:length',
  '@request.body.title:changed',
  '@request.body.author.name',
  '@request.query.q',
  '@request.body.nope:isset',
];

const text = fc.constantFrom(...TEXTS);
const num = fc.constantFrom(...NUMBERS);
const value: fc.Arbitrary<ValueNode> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(...FIELDS).map((name) => ({ kind: 'identifier' as const, name, pos: 0 })),
  },
  { weight: 2, arbitrary: text.map((v) => ({ kind: 'text' as const, value: v, pos: 0 })) },
  { weight: 2, arbitrary: num.map((v) => ({ kind: 'number' as const, value: v, pos: 0 })) },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ kind: 'bool' as const, value: v, pos: 0 })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'null' as const, pos: 0 }) },
);
const compare: fc.Arbitrary<FilterNode> = fc.record({
  kind: fc.constant('compare' as const),
  op: fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~', '!~'),
  any: fc.boolean(),
  left: value,
  right: value,
  pos: fc.constant(0),
});
const tree = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compare,
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
    }),
  ),
})).node;

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const pick = (list: string[]) => fc.constantFrom(...list, '', 'missing');
const jsonValue = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(null, 1, 2.5, 'a', true, 'go'),
  fc.record({ a: fc.oneof(fc.constantFrom(1, 'a', null), fc.record({ b: fc.constantFrom(1, 2) })) }),
  fc.array(fc.constantFrom(1, 'a', 5), { maxLength: 3 }),
);
const dataset = fc.record({
  orgs: fc.tuple(
    ...ids('o', 2).map((id) =>
      fc.record({ id: fc.constant(id), name: text, kinds: fc.subarray(['x', 'y', 'z']) }),
    ),
  ),
  users: fc.tuple(
    ...ids('u', 3).map((id) =>
      fc.record({
        id: fc.constant(id),
        name: text,
        age: num,
        org: pick(['o1', 'o2']),
        email: fc.constant(`${id}@x.io`),
      }),
    ),
  ),
  tags: fc.tuple(...ids('t', 3).map((id) => fc.record({ id: fc.constant(id), name: text, weight: num }))),
  posts: fc.tuple(
    ...ids('p', 5).map((id) =>
      fc.record({
        id: fc.constant(id),
        title: text,
        views: num,
        published: fc.boolean(),
        status: fc.constantFrom('', 'live', 'draft'),
        created: fc.constantFrom('', '2023-06-01 00:00:00.000Z', '2024-01-02 10:00:00.000Z'),
        author: pick(['u1', 'u2', 'u3']),
        tags: fc.subarray(['t1', 't2', 't3', 'missing']),
        labels: fc.subarray(['a', 'b', 'c']),
        data: jsonValue,
      }),
    ),
  ),
  comments: fc.tuple(
    ...ids('c', 4).map((id) =>
      fc.record({
        id: fc.constant(id),
        post: pick(['p1', 'p2', 'p3']),
        body: text,
        likes: num,
        mentions: fc.subarray(['u1', 'u2', 'u3']),
      }),
    ),
  ),
});

const request: RequestInfo = {
  auth: { id: 'u2', collectionId: 'c_users', collectionName: 'users' },
  body: { title: 'go', views: '5', tags: ['t1', 'missing'], labels: ['a'], author: 'u1' },
  query: { q: 'js' },
  headers: {},
  method: 'POST',
  context: 'default',
};

describe('filter properties', () => {
  it('random text never crashes: it compiles or throws an ApiError', () => {
    const alphabet = fc.constantFrom(
      ...'ab_.:@#()=!<>?~&|\'"\\/- 0123456789\n'.split(''),
      'title',
      'views',
      'tags.name',
      '@request.auth.id',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
        (s) => {
          try {
            const q = compileFilter(s, options(posts, { request }));
            assert.equal(q.sql.split('?').length - 1, q.params.length);
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            assert.match(err.message, /^Invalid filter: /);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('formatted trees parse back to the same tree', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const text = formatFilter(node);
        assert.equal(formatFilter(parseFilter(text)), text);
      }),
      { numRuns: 300 },
    );
  });

  it('SQLite selects exactly the rows the evaluator selects, with every placeholder bound', () => {
    fc.assert(
      fc.property(dataset, fc.array(tree, { minLength: 1, maxLength: 8 }), (data, filters) => {
        const { db, stored } = openDb(data);
        for (const node of filters) {
          const text = formatFilter(node);
          const extra = { request, now: new Date('2024-01-02T12:00:00Z') };
          let expected: string[];
          try {
            expected = evalIds(stored, posts, text, extra);
          } catch (err) {
            // both sides must refuse the same filters
            assert.ok(err instanceof ApiError, String(err));
            assert.throws(() => sqlIds(db, posts, text, extra), ApiError);
            continue;
          }
          const q = compileFilter(text, options(posts, extra));
          assert.equal(q.sql.split('?').length - 1, q.params.length, text);
          assert.deepEqual(sqlIds(db, posts, text, extra), expected, text);
        }
        db.close();
      }),
      { numRuns: 500 },
    );
  });
});

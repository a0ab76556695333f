/**
 * Bad input over real HTTP: every malformed, hostile or out-of-limit request answers a
 * 4xx in PocketBase's `{status, message, data}` shape (or a safe result), and leaves the
 * collections and their records exactly as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const P = '/api/collections/posts/records';
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

interface Scenario {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** a JSON body */
  body?: unknown;
  /** a raw body, sent as is */
  raw?: string;
  /** send the superuser's token */
  superuser?: boolean;
  status: number;
  /** parts the error message must match */
  message?: RegExp;
  /** field → the `data.<field>.code` expected */
  data?: Record<string, string>;
  /** the request is allowed to create exactly one record (checked, then the record is looked at) */
  creates?: (record: Record<string, unknown>) => void;
  /** extra checks on a 2xx answer */
  check?: (body: any) => void;
  todo?: string;
}

function deepExpand(depth: number): string {
  return Array.from({ length: depth }, () => 'parent').join('.');
}

const INJECTION = `' OR 1=1 --`;

const scenarios: Scenario[] = [
  // malformed bodies
  {
    name: 'malformed JSON body',
    method: 'POST',
    path: P,
    raw: '{"title": "x",',
    headers: { 'content-type': 'application/json' },
    status: 400,
    message: /not valid JSON/,
  },
  { name: 'JSON array as body', method: 'POST', path: P, body: [1, 2], status: 400, message: /JSON object/ },
  { name: 'JSON number as body', method: 'POST', path: P, body: 42, status: 400, message: /JSON object/ },
  {
    name: 'JSON string as body',
    method: 'POST',
    path: P,
    body: 'title',
    status: 400,
    message: /JSON object/,
  },
  {
    name: 'JSON null as body is no body, as in PocketBase',
    method: 'POST',
    path: P,
    raw: 'null',
    headers: { 'content-type': 'application/json' },
    status: 200,
    creates: (record) => assert.equal(record.title, ''),
  },
  // wrong field types
  {
    name: 'string for number',
    method: 'POST',
    path: P,
    body: { views: 'abc' },
    status: 400,
    data: { views: 'validation_not_a_number' },
  },
  {
    name: 'object for bool',
    method: 'POST',
    path: P,
    body: { published: { a: 1 } },
    status: 400,
    data: { published: 'validation_unsupported_value_type' },
  },
  {
    name: 'bad email',
    method: 'POST',
    path: P,
    body: { email: 'not-an-email' },
    status: 400,
    data: { email: 'validation_is_email' },
  },
  {
    name: 'bad url',
    method: 'POST',
    path: P,
    body: { site: 'not a url' },
    status: 400,
    data: { site: 'validation_invalid_url' },
  },
  {
    name: 'bad date',
    method: 'POST',
    path: P,
    body: { when: 'yesterday' },
    status: 400,
    data: { when: 'validation_invalid_date' },
  },
  {
    name: 'select value not in values',
    method: 'POST',
    path: P,
    body: { status: 'zzz' },
    status: 400,
    data: { status: 'validation_invalid_value' },
  },
  {
    name: 'too many select values',
    method: 'POST',
    path: P,
    body: { tags: ['a', 'b', 'c'] },
    status: 400,
    data: { tags: 'validation_too_many_values' },
  },
  {
    name: 'relation to a missing record',
    method: 'POST',
    path: P,
    body: { parent: 'doesnotexist123' },
    status: 400,
    data: { parent: 'validation_missing_rel_records' },
  },
  {
    name: 'several bad fields answer each',
    method: 'POST',
    path: P,
    body: { views: 'x', email: 'y' },
    status: 400,
    data: { views: 'validation_not_a_number', email: 'validation_is_email' },
  },
  {
    name: 'wrong type on update',
    method: 'PATCH',
    path: `${P}/seed00000000001`,
    body: { views: '12abc' },
    status: 400,
    data: { views: 'validation_not_a_number' },
  },
  // unknown things
  { name: 'unknown collection', path: '/api/collections/nope/records', status: 404 },
  { name: 'unknown record', path: `${P}/doesnotexist123`, status: 404 },
  { name: 'unknown route', path: '/api/nope', status: 404 },
  { name: 'unknown route outside /api', method: 'POST', path: '/nothing/here', status: 404 },
  { name: 'unknown field in filter', path: P + q({ filter: 'nosuch = 1' }), status: 400, message: /nosuch/ },
  { name: 'unknown field in sort', path: P + q({ sort: '-nosuch' }), status: 400, message: /nosuch/ },
  {
    name: 'invalid filter syntax',
    path: P + q({ filter: 'title = ' }),
    status: 400,
    message: /position \d+/,
  },
  {
    name: 'unbalanced parenthesis in filter',
    path: P + q({ filter: '(title = "a"' }),
    status: 400,
    message: /position \d+|parenthes/,
  },
  {
    name: 'filter over 3500 characters',
    path: P + q({ filter: `title = "${'x'.repeat(3500)}"` }),
    status: 400,
    message: /3500/,
  },
  {
    name: 'filter over 200 expressions',
    path: P + q({ filter: Array.from({ length: 201 }, () => 'views = 1').join(' || ') }),
    status: 400,
    message: /200/,
  },
  {
    name: 'filter of exactly 200 expressions is fine',
    path: P + q({ filter: Array.from({ length: 200 }, () => 'views = 1').join(' || ') }),
    status: 200,
  },
  { name: 'invalid fields', path: P + q({ fields: 'ti tle' }), status: 400, message: /fields/i },
  { name: 'invalid expand', path: P + q({ expand: 'nosuch' }), status: 400, message: /nosuch/ },
  { name: 'expand 7 levels deep', path: P + q({ expand: deepExpand(7) }), status: 400, message: /6/ },
  {
    name: 'expand 6 levels deep is fine',
    path: `${P}/seed00000000007${q({ expand: deepExpand(6) })}`,
    status: 200,
    check: (body) => {
      let node = body;
      for (let i = 0; i < 6; i++) node = node.expand.parent;
      assert.equal(node.id, 'seed00000000001');
    },
  },
  {
    name: 'perPage not a number',
    path: P + q({ perPage: 'abc' }),
    status: 400,
    data: { perPage: 'validation_invalid_number' },
  },
  {
    name: 'page not a number',
    path: P + q({ page: '1e' }),
    status: 400,
    data: { page: 'validation_invalid_number' },
  },
  { name: 'negative perPage', path: P + q({ perPage: '-5' }), status: 400 },
  // content types
  {
    name: 'form-urlencoded body',
    method: 'POST',
    path: P,
    raw: 'title=hi',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: P,
    raw: 'title=hi',
    headers: { 'content-type': 'text/plain' },
    status: 400,
  },
  {
    name: 'xml body',
    method: 'POST',
    path: P,
    raw: '<title>hi</title>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
  },
  {
    name: 'multipart with a broken boundary',
    method: 'POST',
    path: P,
    raw: '--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\nhi',
    headers: { 'content-type': 'multipart/form-data; boundary=zz' },
    status: 400,
  },
  {
    name: 'multipart field named __proto__',
    method: 'POST',
    path: P,
    raw: '--zz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nhi\r\n--zz--\r\n',
    headers: { 'content-type': 'multipart/form-data; boundary=zz' },
    status: 400,
  },
  {
    name: 'multipart @jsonPayload that is not an object',
    method: 'POST',
    path: P,
    raw: '--zz\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n[1]\r\n--zz--\r\n',
    headers: { 'content-type': 'multipart/form-data; boundary=zz' },
    status: 400,
    data: { '@jsonPayload': 'validation_invalid_json' },
  },
  // SQL injection in every parameter
  {
    name: 'injection in a filter string value',
    path: P + q({ filter: `title = "${INJECTION}"` }),
    status: 200,
    check: (body) => assert.equal(body.totalItems, 0),
  },
  { name: 'injection as raw filter', path: P + q({ filter: `title = '' OR 1=1 --` }), status: 400 },
  {
    name: 'injection with a statement in filter',
    path: P + q({ filter: `id = "x"; DROP TABLE posts; --` }),
    status: 400,
  },
  { name: 'injection in a filter field name', path: P + q({ filter: `"id" = 1 OR 1=1 --` }), status: 400 },
  { name: 'injection in sort', path: P + q({ sort: 'id; DROP TABLE posts' }), status: 400 },
  { name: 'injection in sort via a function', path: P + q({ sort: 'id,(SELECT 1)' }), status: 400 },
  { name: 'injection in perPage', path: P + q({ perPage: '1; DROP TABLE posts' }), status: 400 },
  { name: 'injection in page', path: P + q({ page: '1 OR 1=1' }), status: 400 },
  { name: 'injection in expand', path: P + q({ expand: 'parent; DROP TABLE posts' }), status: 400 },
  { name: 'injection in fields', path: P + q({ fields: 'id;DROP TABLE posts' }), status: 400 },
  {
    name: 'injection in collection name',
    path: `/api/collections/${encodeURIComponent('posts; DROP TABLE posts')}/records`,
    status: 404,
  },
  {
    name: 'injection in collection name (quote)',
    path: `/api/collections/${encodeURIComponent(`posts" --`)}/records`,
    status: 404,
  },
  { name: 'injection in record id (view)', path: `${P}/${encodeURIComponent(`x' OR '1'='1`)}`, status: 404 },
  {
    name: 'injection in record id (update)',
    method: 'PATCH',
    path: `${P}/${encodeURIComponent(`x' OR '1'='1`)}`,
    body: { title: 'pwned' },
    status: 404,
  },
  {
    name: 'injection in record id (delete)',
    method: 'DELETE',
    path: `${P}/${encodeURIComponent(`x' OR 1=1 --`)}`,
    status: 404,
  },
  {
    name: 'injection in a new record id',
    method: 'POST',
    path: P,
    body: { id: `x' OR 1=1 --aaa` },
    status: 400,
    data: { id: 'validation_invalid_format' },
  },
  {
    name: 'injection in body field names is ignored',
    method: 'POST',
    path: P,
    body: { 'title"; DROP TABLE posts; --': 'x', 'views) VALUES (1); --': 1, title: 'named' },
    status: 200,
    creates: (record) => {
      assert.equal(record.title, 'named');
      assert.ok(!Object.keys(record).some((key) => key.includes('DROP') || key.includes('VALUES')));
    },
  },
  {
    name: 'injection in body values is stored literally',
    method: 'POST',
    path: P,
    body: { title: `'); DROP TABLE posts; --`, email: 'a@b.co' },
    status: 200,
    creates: (record) => assert.equal(record.title, `'); DROP TABLE posts; --`),
  },
  {
    name: 'injection in sign-in identity',
    method: 'POST',
    path: '/api/collections/_superusers/auth-with-password',
    body: { identity: `' OR 1=1 --`, password: `' OR 1=1 --` },
    status: 400,
  },
  {
    name: 'injection in a new collection name',
    method: 'POST',
    path: '/api/collections',
    superuser: true,
    body: { name: 'x"; DROP TABLE posts; --', type: 'base' },
    status: 400,
    data: { name: 'validation_invalid_name' },
  },
  {
    name: 'injection in a new field name',
    method: 'POST',
    path: '/api/collections',
    superuser: true,
    body: { name: 'evil', type: 'base', fields: [{ name: 'a" TEXT); DROP TABLE posts; --', type: 'text' }] },
    status: 400,
  },
  {
    name: 'injection in a rule',
    method: 'POST',
    path: '/api/collections',
    superuser: true,
    body: { name: 'evil2', type: 'base', listRule: '1=1); DROP TABLE posts; --' },
    status: 400,
    data: { listRule: 'validation_invalid_rule' },
  },
  {
    name: 'injection in the collections list filter',
    path: `/api/collections${q({ filter: `name = "x' OR 1=1 --"` })}`,
    superuser: true,
    status: 200,
    check: (body) => assert.equal(body.totalItems, 0),
  },
  {
    name: 'injection in the collections list sort',
    path: `/api/collections${q({ sort: 'name; DROP TABLE posts' })}`,
    superuser: true,
    status: 400,
  },
  {
    name: 'injection in a collection view',
    path: `/api/collections/${encodeURIComponent(`posts' OR '1'='1`)}`,
    superuser: true,
    status: 404,
  },
  {
    name: 'injection in a collection delete',
    method: 'DELETE',
    path: `/api/collections/${encodeURIComponent(`posts" OR 1=1 --`)}`,
    superuser: true,
    status: 404,
  },
  // prototype keys
  {
    name: '__proto__ key in a body',
    method: 'POST',
    path: P,
    raw: '{"__proto__": {"polluted": true}, "title": "proto"}',
    headers: { 'content-type': 'application/json' },
    status: 200,
    creates: (record) => {
      assert.equal(record.title, 'proto');
      assert.equal(({} as any).polluted, undefined);
      assert.ok(!('polluted' in record));
    },
  },
  {
    name: 'constructor.prototype key in a body',
    method: 'POST',
    path: P,
    body: { constructor: { prototype: { polluted: true } }, title: 'ctor' },
    status: 200,
    creates: (record) => {
      assert.equal(record.title, 'ctor');
      assert.equal(({} as any).polluted, undefined);
    },
  },
  {
    name: '__proto__ inside a json field is kept as data',
    method: 'POST',
    path: P,
    raw: '{"data": {"__proto__": {"polluted": true}}, "title": "jsonproto"}',
    headers: { 'content-type': 'application/json' },
    status: 200,
    creates: (record) => {
      assert.equal(({} as any).polluted, undefined);
      assert.deepEqual(
        JSON.parse(JSON.stringify(record.data)),
        JSON.parse('{"__proto__": {"polluted": true}}'),
      );
    },
  },
  { name: '__proto__ as a collection name', path: '/api/collections/__proto__/records', status: 404 },
  { name: 'constructor as a collection name', path: '/api/collections/constructor/records', status: 404 },
  { name: 'toString as a record id', path: `${P}/toString`, status: 404 },
  { name: '__proto__ in sort', path: P + q({ sort: '__proto__' }), status: 400 },
  { name: 'constructor in filter', path: P + q({ filter: 'constructor = 1' }), status: 400 },
  // long ids and NUL bytes
  {
    name: 'a 5000-character collection name',
    path: `/api/collections/${'c'.repeat(5000)}/records`,
    status: 404,
  },
  {
    name: 'a URL over the 16 KiB header limit',
    path: P + q({ filter: `title = "${'x'.repeat(20_000)}"` }),
    status: 431,
  },
  { name: 'a 400-character id', path: `${P}/${'a'.repeat(400)}`, status: 404 },
  { name: 'a 5000-character id', path: `${P}/${'a'.repeat(5000)}`, status: 404 },
  { name: 'a badly percent-encoded id', path: `${P}/%E0%A4%A`, status: 400 },
  { name: 'a NUL byte in an id', path: `${P}/seed%0000000001`, status: 404 },
  { name: 'a NUL byte in a collection name', path: '/api/collections/posts%00/records', status: 404 },
  {
    name: 'a NUL byte in a filter value',
    path: P + q({ filter: 'title = "seed\u0000"' }),
    status: 200,
    check: (body) => assert.equal(body.totalItems, 0),
  },
  { name: 'a NUL byte in a sort', path: P + q({ sort: 'title\u0000' }), status: 400 },
  {
    name: 'a NUL byte in a text value round-trips',
    method: 'POST',
    path: P,
    body: { title: 'nul\u0000byte' },
    status: 200,
    creates: (record) => assert.equal(record.title, 'nul\u0000byte'),
  },
  {
    name: 'a NUL byte in a field name is ignored',
    method: 'POST',
    path: P,
    body: { 'ti\u0000tle': 'x', title: 'nulkey' },
    status: 200,
    creates: (record) => assert.equal(record.title, 'nulkey'),
  },
  // locked collections
  { name: 'locked: guest list', path: '/api/collections/locked/records', status: 403 },
  { name: 'locked: guest view', path: '/api/collections/locked/records/lock00000000001', status: 403 },
  {
    name: 'locked: guest create',
    method: 'POST',
    path: '/api/collections/locked/records',
    body: { title: 'x' },
    status: 403,
  },
  {
    name: 'locked: guest update',
    method: 'PATCH',
    path: '/api/collections/locked/records/lock00000000001',
    body: { title: 'x' },
    status: 403,
  },
  {
    name: 'locked: guest delete',
    method: 'DELETE',
    path: '/api/collections/locked/records/lock00000000001',
    status: 403,
  },
  { name: 'collections API needs a superuser', path: '/api/collections', status: 401 },
  {
    name: 'a forged token is refused',
    path: '/api/collections',
    headers: { authorization: 'eyJhbGciOiJub25lIn0.eyJpZCI6IngifQ.' },
    status: 401,
  },
];

/** Everything a request could have changed: every collection's definition and every record. */
async function snapshot(server: TestServer, token: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const collections = await http(server.url, 'GET', '/api/collections?perPage=500&sort=name', { token });
  assert.equal(collections.status, 200);
  state['#collections'] = JSON.stringify(collections.body.items);
  for (const name of ['posts', 'locked']) {
    const list = await http(server.url, 'GET', `/api/collections/${name}/records?perPage=1000&sort=id`, {
      token,
    });
    assert.equal(list.status, 200, `listing ${name} failed: ${JSON.stringify(list.body)}`);
    for (const item of list.body.items) state[`${name}/${item.id}`] = JSON.stringify(item);
  }
  return state;
}

/** Asserts PocketBase's error shape: exactly `{status, message, data}`, with no engine internals. */
function assertErrorShape(status: number, body: any): void {
  assert.ok(body && typeof body === 'object', `expected a JSON error, got ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(body).sort(), ['data', 'message', 'status'], JSON.stringify(body));
  assert.equal(body.status, status);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.equal(typeof body.data, 'object');
  assert.doesNotMatch(
    JSON.stringify(body),
    /SQLITE|sqlite_|no such (table|column)|syntax error|node:internal|\.ts:\d+/,
  );
}

describe('bad input over HTTP', () => {
  let server: TestServer;
  let token: string;
  let initial: Record<string, string>;

  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    token = pb.authStore.token;
    const open = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
    const posts = await pb.collections.create({
      name: 'posts',
      type: 'base',
      ...open,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'email', type: 'email' },
        { name: 'site', type: 'url' },
        { name: 'when', type: 'date' },
        { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
        { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 2 },
        { name: 'data', type: 'json' },
      ],
    });
    await pb.collections.update('posts', {
      fields: [...posts.fields, { name: 'parent', type: 'relation', collectionId: posts.id, maxSelect: 1 }],
    });
    // a collection created without rules is locked to superusers
    await pb.collections.create({ name: 'locked', type: 'base', fields: [{ name: 'title', type: 'text' }] });
    await pb.collection('locked').create({ id: 'lock00000000001', title: 'secret' });
    // a chain of 7 records for expand depth: seed7 → seed6 → … → seed1
    for (let i = 1; i <= 7; i++) {
      await pb.collection('posts').create({
        id: `seed0000000000${i}`,
        title: `seed ${i}`,
        views: i,
        parent: i > 1 ? `seed0000000000${i - 1}` : '',
      });
    }
    initial = await snapshot(server, token);
  });
  after(() => server?.stop());

  it('new collections are created locked (null rules)', async () => {
    const locked = await http(server.url, 'GET', '/api/collections/locked', { token });
    for (const rule of ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule']) {
      assert.equal(locked.body[rule], null, rule);
    }
  });

  for (const scenario of scenarios) {
    it(scenario.name, { todo: scenario.todo }, async () => {
      const before = await snapshot(server, token);
      const response = await http(server.url, scenario.method ?? 'GET', scenario.path, {
        body: scenario.body,
        raw: scenario.raw,
        headers: scenario.headers,
        token: scenario.superuser ? token : undefined,
      });
      const shown = `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      assert.equal(response.status, scenario.status, shown);
      if (response.status >= 400) {
        assertErrorShape(response.status, response.body);
        if (scenario.message) assert.match(response.body.message, scenario.message, shown);
        for (const [field, code] of Object.entries(scenario.data ?? {})) {
          assert.equal(response.body.data[field]?.code, code, `data.${field}: ${shown}`);
          assert.equal(typeof response.body.data[field]?.message, 'string');
        }
      }
      scenario.check?.(response.body);

      const afterwards = await snapshot(server, token);
      if (!scenario.creates) {
        assert.deepEqual(afterwards, before, 'the request changed stored data');
        return;
      }
      const added = Object.keys(afterwards).filter((key) => !(key in before));
      assert.equal(added.length, 1, `expected one new record, got ${added.length}`);
      for (const key of Object.keys(before)) assert.equal(afterwards[key], before[key], `${key} changed`);
      const record = JSON.parse(afterwards[added[0]]);
      scenario.creates(record);
      assert.equal(record.id, response.body.id);
      // leave the table as it was for the next scenario
      const removed = await http(server.url, 'DELETE', `${P}/${record.id}`, { token });
      assert.equal(removed.status, 204);
    });
  }

  it('the tables and data are intact afterwards', async () => {
    const db = server.app.services.db;
    assert.deepEqual(await db.get('PRAGMA integrity_check'), { integrity_check: 'ok' });
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const name of ['posts', 'locked', '_collections', '_superusers']) {
      assert.ok(
        tables.some((t) => t.name === name),
        `table ${name} is gone`,
      );
    }
    assert.deepEqual(await snapshot(server, token), initial);
  });
});

describe('bodies over the configured limit', () => {
  let server: TestServer;
  const limit = 1024 * 1024;

  before(async () => {
    server = await startServer({ bodyLimit: limit });
    const pb = await server.superuser();
    await pb.collections.create({
      name: 'posts',
      type: 'base',
      createRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'editor', maxSize: 10 * limit },
        { name: 'data', type: 'json', maxSize: 10 * limit },
      ],
    });
  });
  after(() => server?.stop());

  async function count(): Promise<number> {
    const pb = await server.superuser();
    return (await pb.collection('posts').getList(1, 1)).totalItems;
  }

  it('a JSON body over the limit answers 413 in the PocketBase shape', async () => {
    const response = await http(server.url, 'POST', P, { body: { data: 'x'.repeat(limit + 10) } });
    assert.equal(response.status, 413);
    assertErrorShape(413, response.body);
    assert.equal(await count(), 0);
  });

  it('a JSON body just under the limit is read', async () => {
    const response = await http(server.url, 'POST', P, { body: { data: 'x'.repeat(limit - 100) } });
    assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 200));
    assert.equal(await count(), 1);
  });

  it('a multipart field over the limit answers 413, never a truncated value', async () => {
    const form = new FormData();
    form.append('body', 'y'.repeat(limit + 10));
    const response = await fetch(`${server.url}${P}`, { method: 'POST', body: form });
    const body = await response.json();
    assert.equal(response.status, 413, JSON.stringify(body).slice(0, 200));
    assertErrorShape(413, body);
    assert.equal(await count(), 1);
  });

  it('a multipart body over the limit in many small fields answers 413', async () => {
    const form = new FormData();
    for (let i = 0; i < 4; i++) form.append(`extra${i}`, 'z'.repeat(limit / 2));
    form.append('title', 'many');
    const response = await fetch(`${server.url}${P}`, { method: 'POST', body: form });
    const body = await response.json();
    assert.equal(response.status, 413, JSON.stringify(body).slice(0, 200));
    assertErrorShape(413, body);
    assert.equal(await count(), 1);
  });
});

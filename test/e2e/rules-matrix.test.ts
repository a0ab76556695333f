import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';

/**
 * Who sees and does what: principals × operations × rule shapes, over HTTP with real
 * tokens and a real API key. Each row states the exact outcome for every principal.
 */
type Who = 'guest' | 'A' | 'B' | 'editor' | 'superuser' | 'key';
const WHO: Who[] = ['guest', 'A', 'B', 'editor', 'superuser', 'key'];
const PASSWORD = 'matrix-password-1';

describe('rules matrix: principals × operations × rule shapes', () => {
  let server: TestServer;
  const auth: Record<Who, Record<string, string>> = {} as never;
  const ids: Record<string, string> = {};

  const call = (who: Who, method: string, path: string, body?: unknown) =>
    http(server.url, method, `/api/collections/${path}`, { body, headers: auth[who] });
  const listIds = async (who: Who, collection: string, query = '') => {
    const res = await call(who, 'GET', `${collection}/records?sort=title${query}`);
    return res.status === 200 ? (res.body.items as { title: string }[]).map((r) => r.title) : res.status;
  };

  before(async () => {
    server = await startServer();
    const admin = await server.superuser();
    auth.superuser = { authorization: admin.authStore.token };
    auth.guest = {};
    await admin.collections.create({
      name: 'm_teams',
      type: 'base',
      fields: [{ name: 'name', type: 'text' }],
      listRule: '',
      viewRule: '',
    });
    const red = await admin.collection('m_teams').create({ name: 'red' });
    const blue = await admin.collection('m_teams').create({ name: 'blue' });
    const usersCollection = await admin.collections.getOne('users').catch(() => null);
    if (!usersCollection)
      await admin.collections.create({ name: 'users', type: 'auth', fields: [], listRule: '', viewRule: '' });
    await admin.collections.update('users', {
      listRule: '',
      viewRule: '',
      fields: [
        ...(await admin.collections.getOne('users')).fields,
        { name: 'role', type: 'text' },
        { name: 'team', type: 'relation', collectionId: red.collectionId, maxSelect: 1 },
      ],
    });
    const people: [Who, string, string][] = [
      ['A', 'user', red.id],
      ['B', 'user', blue.id],
      ['editor', 'editor', blue.id],
    ];
    for (const [who, role, team] of people) {
      const email = `${who.toLowerCase()}@matrix.test`;
      const rec = await admin
        .collection('users')
        .create({ email, password: PASSWORD, passwordConfirm: PASSWORD, role, team, emailVisibility: false });
      ids[who] = rec.id;
      const pb = server.client();
      await pb.collection('users').authWithPassword(email, PASSWORD);
      auth[who] = { authorization: pb.authStore.token };
    }
    // created last, sorts first by email: an order that follows hidden emails would show it
    await admin.collection('users').create({
      email: 'aaa@matrix.test',
      password: PASSWORD,
      passwordConfirm: PASSWORD,
      emailVisibility: false,
    });
    const docFields = [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'text' },
      { name: 'status', type: 'text' },
    ];
    const owner = 'owner = @request.auth.id';
    const editor = '@request.auth.role = "editor" && status != "archived"';
    const rules: Record<string, Record<string, string | null>> = {
      m_owner: { listRule: owner, viewRule: owner, createRule: owner, updateRule: owner, deleteRule: owner },
      m_editor: {
        listRule: editor,
        viewRule: editor,
        createRule: null,
        updateRule: editor,
        deleteRule: null,
      },
      m_body: {
        listRule: '',
        viewRule: '',
        createRule: '@request.auth.id != "" && @request.body.status:isset = false',
        updateRule: `${owner} && @request.body.status:changed = false`,
        deleteRule: null,
      },
      m_join: {
        listRule: '@collection.m_grants.user ?= @request.auth.id',
        viewRule: '@request.auth.team.name = "red"',
        createRule: null,
        updateRule: null,
        deleteRule: null,
      },
    };
    await admin.collections.create({
      name: 'm_grants',
      type: 'base',
      fields: [{ name: 'user', type: 'text' }],
    });
    await admin.collection('m_grants').create({ user: ids.A });
    for (const [name, r] of Object.entries(rules))
      await admin.collections.create({ name, type: 'base', fields: docFields, ...r });
    const seed = async (collection: string, title: string, data: Record<string, string>) => {
      ids[`${collection}:${title}`] = (await admin.collection(collection).create({ title, ...data })).id;
    };
    await seed('m_owner', 'a-doc', { owner: ids.A });
    await seed('m_owner', 'b-doc', { owner: ids.B });
    await seed('m_editor', 'live', { status: 'live' });
    await seed('m_editor', 'old', { status: 'archived' });
    await seed('m_body', 'a-note', { owner: ids.A, status: 'open' });
    await seed('m_join', 'red-only', {});
    const res = await http(server.url, 'POST', '/api/basalt/keys', {
      token: admin.authStore.token,
      body: {
        name: 'matrix',
        scopes: ['m_owner', 'm_editor', 'm_body', 'm_join'].map((collection) => ({
          collection,
          operations: ['list', 'view', 'create', 'update', 'delete'],
        })),
      },
    });
    auth.key = { 'x-api-key': res.body.secret };
  });
  after(() => server.stop());

  test('owner rule (owner = @request.auth.id)', async () => {
    const expectList: Record<Who, unknown> = {
      guest: [],
      A: ['a-doc'],
      B: ['b-doc'],
      editor: [],
      superuser: ['a-doc', 'b-doc'],
      key: ['a-doc', 'b-doc'],
    };
    const viewA: Record<Who, number> = { guest: 404, A: 200, B: 404, editor: 404, superuser: 200, key: 200 };
    // everyone tries to create a document owned by A: only A (and the trusted ones) may
    const createForA: Record<Who, number> = {
      guest: 400,
      A: 200,
      B: 400,
      editor: 400,
      superuser: 200,
      key: 200,
    };
    for (const who of WHO) {
      assert.deepEqual(await listIds(who, 'm_owner'), expectList[who], `list as ${who}`);
      const path = `m_owner/records/${ids['m_owner:a-doc']}`;
      assert.equal((await call(who, 'GET', path)).status, viewA[who], `view as ${who}`);
      assert.equal((await call(who, 'PATCH', path, { status: who })).status, viewA[who], `update as ${who}`);
      const created = await call(who, 'POST', 'm_owner/records', { title: `by-${who}`, owner: ids.A });
      assert.equal(created.status, createForA[who], `create as ${who}`);
      if (created.status === 200) {
        const del = await call(who, 'DELETE', `m_owner/records/${created.body.id}`);
        assert.equal(del.status, 204, `delete own as ${who}`);
      }
    }
    for (const who of ['guest', 'B', 'editor'] as Who[])
      assert.equal((await call(who, 'DELETE', `m_owner/records/${ids['m_owner:a-doc']}`)).status, 404);
  });

  test('role rule (@request.auth.role = "editor" && status != "archived")', async () => {
    const expectList: Record<Who, unknown> = {
      guest: [],
      A: [],
      B: [],
      editor: ['live'],
      superuser: ['live', 'old'],
      key: ['live', 'old'],
    };
    const viewOld: Record<Who, number> = {
      guest: 404,
      A: 404,
      B: 404,
      editor: 404,
      superuser: 200,
      key: 200,
    };
    const updateLive: Record<Who, number> = {
      guest: 404,
      A: 404,
      B: 404,
      editor: 200,
      superuser: 200,
      key: 200,
    };
    const create: Record<Who, number> = { guest: 403, A: 403, B: 403, editor: 403, superuser: 200, key: 200 };
    for (const who of WHO) {
      assert.deepEqual(await listIds(who, 'm_editor'), expectList[who], `list as ${who}`);
      assert.equal((await call(who, 'GET', `m_editor/records/${ids['m_editor:old']}`)).status, viewOld[who]);
      const live = `m_editor/records/${ids['m_editor:live']}`;
      assert.equal(
        (await call(who, 'PATCH', live, { title: 'live' })).status,
        updateLive[who],
        `update as ${who}`,
      );
      const created = await call(who, 'POST', 'm_editor/records', { title: 'new', status: 'live' });
      assert.equal(created.status, create[who], `create as ${who}`);
      if (created.status === 200) await call('superuser', 'DELETE', `m_editor/records/${created.body.id}`);
    }
    // the editor may not archive-then-see: updating a live doc to archived hides it from the editor's re-read
    assert.equal((await call('editor', 'DELETE', `m_editor/records/${ids['m_editor:live']}`)).status, 403);
  });

  test('@request.body modifiers (:isset on create, :changed on update)', async () => {
    assert.equal((await call('A', 'POST', 'm_body/records', { title: 'x', status: 'open' })).status, 400);
    assert.equal((await call('guest', 'POST', 'm_body/records', { title: 'x' })).status, 400);
    const ok = await call('A', 'POST', 'm_body/records', { title: 'x', owner: ids.A });
    assert.equal(ok.status, 200);
    const note = `m_body/records/${ids['m_body:a-note']}`;
    assert.equal((await call('A', 'PATCH', note, { title: 'renamed' })).status, 200);
    assert.equal((await call('A', 'PATCH', note, { status: 'closed' })).status, 404);
    assert.equal((await call('A', 'PATCH', note, { status: 'open', title: 'same status' })).status, 200);
    assert.equal((await call('B', 'PATCH', note, { title: 'not mine' })).status, 404);
    assert.equal((await call('superuser', 'PATCH', note, { status: 'closed' })).status, 200);
    assert.equal((await call('key', 'PATCH', note, { status: 'open' })).status, 200);
  });

  test('@collection joins and relation paths through @request.auth', async () => {
    const expectList: Record<Who, unknown> = {
      guest: [],
      A: ['red-only'],
      B: [],
      editor: [],
      superuser: ['red-only'],
      key: ['red-only'],
    };
    const view: Record<Who, number> = { guest: 404, A: 200, B: 404, editor: 404, superuser: 200, key: 200 };
    for (const who of WHO) {
      assert.deepEqual(await listIds(who, 'm_join'), expectList[who], `list as ${who}`);
      assert.equal(
        (await call(who, 'GET', `m_join/records/${ids['m_join:red-only']}`)).status,
        view[who],
        who,
      );
    }
  });

  test('hidden fields: never sent, never filterable, sortable or expandable by those who cannot see them', async () => {
    const users = await call('B', 'GET', 'users/records?perPage=50');
    assert.equal(users.status, 200);
    for (const row of users.body.items) {
      assert.equal(row.password, undefined);
      assert.equal(row.tokenKey, undefined);
      assert.equal(
        row.email === undefined || row.email === '',
        row.id !== ids.B,
        `email shown only to its owner: ${row.id}`,
      );
    }
    const superView = await call('superuser', 'GET', `users/records/${ids.A}`);
    assert.equal(superView.body.email, 'a@matrix.test');
    assert.equal(superView.body.tokenKey, undefined);
    // filtering by another user's hidden email finds nothing, the same as a wrong address
    const probe = async (who: Who, filter: string) => {
      const res = await call(who, 'GET', `users/records?filter=${encodeURIComponent(filter)}`);
      return res.status === 200 ? res.body.totalItems : `status ${res.status}`;
    };
    assert.equal(
      await probe('B', 'email = "a@matrix.test"'),
      await probe('B', 'email = "nobody@matrix.test"'),
    );
    assert.equal(await probe('B', 'email = "a@matrix.test"'), 0);
    assert.equal(await probe('superuser', 'email = "a@matrix.test"'), 1, 'superusers filter by any email');
    for (const filter of ['password != ""', 'tokenKey != ""', 'password ~ "$argon2"'])
      assert.equal(
        (await call('B', 'GET', `users/records?filter=${encodeURIComponent(filter)}`)).status,
        400,
        filter,
      );
    assert.equal((await call('B', 'GET', 'users/records?sort=tokenKey')).status, 400);
    assert.equal((await call('B', 'GET', 'users/records?sort=password')).status, 400);
    // sorting by hidden emails must not reveal their order: ascending and descending agree
    const order = async (sort: string) => {
      const res = await call(
        'B',
        'GET',
        `users/records?sort=${sort}&filter=${encodeURIComponent(`id != "${ids.B}"`)}`,
      );
      return res.status === 200
        ? res.body.items.map((r: { id: string }) => r.id).join()
        : `status ${res.status}`;
    };
    assert.equal(await order('email'), await order('-email'));
    // expand and fields cannot bring hidden fields back
    const viaFields = await call('B', 'GET', `users/records/${ids.A}?fields=id,email,password,tokenKey`);
    assert.deepEqual(Object.keys(viaFields.body).sort(), ['id']);
    const viaExpand = await call('B', 'GET', `m_teams/records?expand=users_via_team`);
    assert.ok(!JSON.stringify(viaExpand.body).includes('a@matrix.test'));
    assert.ok(!JSON.stringify(viaExpand.body).includes('tokenKey'));
  });
});

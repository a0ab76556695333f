import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { createBase, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'user-password-123';

describe('SDK: access rules', () => {
  let server: TestServer;
  let pb: PocketBase;
  let users: string;
  let alice: PocketBase;
  let bob: PocketBase;
  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    users = uniqueName('users');
    await pb.collections.create({ name: users, type: 'auth', fields: [{ name: 'name', type: 'text' }] });
    for (const name of ['alice', 'bob']) {
      await pb
        .collection(users)
        .create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, name });
    }
    alice = server.client();
    await alice.collection(users).authWithPassword('alice@example.com', PASSWORD);
    bob = server.client();
    await bob.collection(users).authWithPassword('bob@example.com', PASSWORD);
  });
  after(() => server.stop());

  const docs = (rules: Record<string, string | null>) =>
    createBase(
      pb,
      'docs',
      [
        { name: 'title', type: 'text' },
        { name: 'status', type: 'select', values: ['public', 'private', 'draft'], maxSelect: 1 },
        { name: 'owner', type: 'text' },
      ],
      rules,
    );

  test('auth users sign in with password', () => {
    assert.ok(alice.authStore.isValid);
    assert.equal(alice.authStore.record?.email, 'alice@example.com');
    assert.equal(alice.authStore.record?.collectionName, users);
    assert.equal(alice.authStore.isSuperuser, false);
  });

  test('auth records: passwordConfirm must match; users refresh their own token', async () => {
    const err = await expectApiError(
      pb
        .collection(users)
        .create({ email: 'carl@example.com', password: PASSWORD, passwordConfirm: 'different-1' }),
      400,
    );
    assert.equal(err.data.passwordConfirm?.code, 'validation_values_mismatch');
    const refreshed = await alice.collection(users).authRefresh();
    assert.equal(refreshed.record.email, 'alice@example.com');
    await expectApiError(
      alice.collection(users).authWithPassword('alice@example.com', 'wrong-password'),
      400,
    );
  });

  test('listRule "" lets guests list; null → 403 for guests, superuser still lists', async () => {
    const open = await docs({ listRule: '' });
    await pb.collection(open.name).create({ title: 'a' });
    const list = await server.client().collection(open.name).getList();
    assert.equal(list.totalItems, 1);

    const locked = await docs({ listRule: null });
    await pb.collection(locked.name).create({ title: 'b' });
    const err = await expectApiError(server.client().collection(locked.name).getList(), 403);
    assert.equal(err.message, 'Only superusers can perform this action.');
    await expectApiError(alice.collection(locked.name).getList(), 403);
    assert.equal((await pb.collection(locked.name).getList()).totalItems, 1);
  });

  test('listRule expression filters rows (200, not 403)', async () => {
    const c = await docs({ listRule: "status = 'public'" });
    for (const status of ['public', 'private', 'public'])
      await pb.collection(c.name).create({ title: status, status });
    const guest = await server.client().collection(c.name).getList();
    assert.equal(guest.totalItems, 2);
    assert.ok(guest.items.every((r) => r.status === 'public'));
    assert.equal((await pb.collection(c.name).getList()).totalItems, 3);
    // a client filter narrows further but never widens
    const widened = await server.client().collection(c.name).getList(1, 10, { filter: "status = 'private'" });
    assert.equal(widened.totalItems, 0);
  });

  test('@request.auth in list and view rules', async () => {
    const c = await docs({ listRule: '@request.auth.id != ""', viewRule: 'owner = @request.auth.id' });
    const aliceId = alice.authStore.record!.id;
    const mine = await pb.collection(c.name).create({ title: 'alice doc', owner: aliceId });
    const guestList = await server.client().collection(c.name).getList();
    assert.equal(guestList.totalItems, 0);
    assert.equal((await bob.collection(c.name).getList()).totalItems, 1);
    assert.equal((await alice.collection(c.name).getOne(mine.id)).title, 'alice doc');
    await expectApiError(bob.collection(c.name).getOne(mine.id), 404);
    await expectApiError(server.client().collection(c.name).getOne(mine.id), 404);
  });

  test('viewRule expression hides records (404), null → 403', async () => {
    const c = await docs({ viewRule: "status = 'public'" });
    const pub = await pb.collection(c.name).create({ title: 'p', status: 'public' });
    const priv = await pb.collection(c.name).create({ title: 'q', status: 'private' });
    assert.equal((await server.client().collection(c.name).getOne(pub.id)).title, 'p');
    await expectApiError(server.client().collection(c.name).getOne(priv.id), 404);
    assert.equal((await pb.collection(c.name).getOne(priv.id)).title, 'q', 'superuser bypasses');

    const locked = await docs({ viewRule: null });
    const r = await pb.collection(locked.name).create({ title: 'x' });
    await expectApiError(server.client().collection(locked.name).getOne(r.id), 403);
  });

  test('createRule expression refuses with 400; null → 403; "" allows', async () => {
    const c = await docs({ createRule: "status != 'private'", listRule: '' });
    const ok = await server.client().collection(c.name).create({ title: 'fine', status: 'public' });
    assert.equal(ok.title, 'fine');
    const err = await expectApiError(
      server.client().collection(c.name).create({ title: 'nope', status: 'private' }),
      400,
    );
    assert.equal(err.message, 'Failed to create record.');
    assert.equal((await pb.collection(c.name).getList(1, 1, { filter: "title = 'nope'" })).totalItems, 0);
    assert.equal((await pb.collection(c.name).create({ title: 'su', status: 'private' })).title, 'su');

    const locked = await docs({ createRule: null });
    await expectApiError(server.client().collection(locked.name).create({ title: 'x' }), 403);
  });

  test('createRule with @request.body.x and :isset', async () => {
    const c = await docs({ createRule: "@request.body.title ~ 'ok' && @request.body.owner:isset = false" });
    const r = await bob.collection(c.name).create({ title: 'this is ok' });
    assert.equal(r.title, 'this is ok');
    await expectApiError(bob.collection(c.name).create({ title: 'bad title' }), 400);
    await expectApiError(bob.collection(c.name).create({ title: 'ok but owner', owner: 'x' }), 400);
  });

  test('createRule with @request.auth: owner must be the caller', async () => {
    const c = await docs({ createRule: '@request.auth.id != "" && owner = @request.auth.id' });
    const aliceId = alice.authStore.record!.id;
    const r = await alice.collection(c.name).create({ title: 'mine', owner: aliceId });
    assert.equal(r.owner, aliceId);
    await expectApiError(bob.collection(c.name).create({ title: 'spoof', owner: aliceId }), 400);
    await expectApiError(server.client().collection(c.name).create({ title: 'anon', owner: '' }), 400);
  });

  test('updateRule expression → 404 when it does not match; null → 403', async () => {
    const c = await docs({ updateRule: 'owner = @request.auth.id' });
    const aliceId = alice.authStore.record!.id;
    const r = await pb.collection(c.name).create({ title: 'v1', owner: aliceId });
    await expectApiError(bob.collection(c.name).update(r.id, { title: 'hacked' }), 404);
    await expectApiError(server.client().collection(c.name).update(r.id, { title: 'hacked' }), 404);
    assert.equal((await pb.collection(c.name).getOne(r.id)).title, 'v1');
    // the rule sees the stored record: alice may update it
    const updated = await alice.collection(c.name).update(r.id, { title: 'v2' });
    assert.equal(updated.title, 'v2');

    const locked = await docs({ updateRule: null });
    const l = await pb.collection(locked.name).create({ title: 'x' });
    await expectApiError(alice.collection(locked.name).update(l.id, { title: 'y' }), 403);
    assert.equal((await pb.collection(locked.name).update(l.id, { title: 'y' })).title, 'y');
  });

  test('deleteRule expression → 404 when it does not match; superuser bypasses', async () => {
    const c = await docs({ deleteRule: "status = 'draft'" });
    const draft = await pb.collection(c.name).create({ title: 'd', status: 'draft' });
    const pub = await pb.collection(c.name).create({ title: 'p', status: 'public' });
    await expectApiError(server.client().collection(c.name).delete(pub.id), 404);
    assert.equal((await pb.collection(c.name).getOne(pub.id)).title, 'p');
    assert.equal(await server.client().collection(c.name).delete(draft.id), true);
    await expectApiError(pb.collection(c.name).getOne(draft.id), 404);
    assert.equal(await pb.collection(c.name).delete(pub.id), true);

    const locked = await docs({ deleteRule: null });
    const l = await pb.collection(locked.name).create({ title: 'x' });
    await expectApiError(bob.collection(locked.name).delete(l.id), 403);
  });

  test('rules with relation paths and @collection', async () => {
    const teams = await createBase(pb, 'teams', [
      { name: 'name', type: 'text' },
      {
        name: 'members',
        type: 'relation',
        collectionId: (await pb.collections.getOne(users)).id,
        maxSelect: 10,
      },
    ]);
    const aliceId = alice.authStore.record!.id;
    const bobId = bob.authStore.record!.id;
    const red = await pb.collection(teams.name).create({ name: 'red', members: [aliceId] });
    const notes = await createBase(
      pb,
      'notes',
      [
        { name: 'text', type: 'text' },
        { name: 'team', type: 'relation', collectionId: teams.id, maxSelect: 1 },
      ],
      {
        listRule: 'team.members.id ?= @request.auth.id',
        viewRule: `@collection.${teams.name}.members.id ?= @request.auth.id && @collection.${teams.name}.id ?= team`,
      },
    );
    const n = await pb.collection(notes.name).create({ text: 'secret plan', team: red.id });
    assert.equal((await alice.collection(notes.name).getList()).totalItems, 1);
    assert.equal((await bob.collection(notes.name).getList()).totalItems, 0);
    assert.equal((await alice.collection(notes.name).getOne(n.id)).text, 'secret plan');
    await expectApiError(bob.collection(notes.name).getOne(n.id), 404);
    // adding bob to the team opens it to him
    await pb.collection(teams.name).update(red.id, { 'members+': bobId });
    assert.equal((await bob.collection(notes.name).getList()).totalItems, 1);
  });

  test('guests may not filter or sort by fields of auth records they cannot see (password, tokenKey)', async () => {
    await pb.collections.update(users, { listRule: '' });
    await expectApiError(server.client().collection(users).getList(1, 10, { filter: "password != ''" }), 400);
    await expectApiError(server.client().collection(users).getList(1, 10, { filter: "tokenKey != ''" }), 400);
    const list = await server.client().collection(users).getList();
    assert.equal(list.totalItems, 2);
    assert.ok(list.items.every((u) => u.password === undefined && u.tokenKey === undefined));
    assert.ok(
      list.items.every((u) => u.email === undefined),
      'emails are hidden unless emailVisibility',
    );
  });
});

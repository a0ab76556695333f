import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { Inbox, eventually } from '../helpers/realtime.ts';
import { createBase, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'user-password-123';
const RULE = 'public = true || owner = @request.auth.id';

describe('realtime over SSE through the SDK', () => {
  let server: TestServer;
  let pb: PocketBase;
  let users: string;
  let posts: string;
  const signedIn: Record<string, PocketBase> = {};
  const ids: Record<string, string> = {};
  const open: PocketBase[] = [];

  async function user(name: string): Promise<PocketBase> {
    const record = await pb
      .collection(users)
      .create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, name });
    ids[name] = record.id;
    const client = server.client();
    await client.collection(users).authWithPassword(`${name}@example.com`, PASSWORD);
    open.push(client);
    return client;
  }

  function guest(): PocketBase {
    const client = server.client();
    open.push(client);
    return client;
  }

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    open.push(pb);
    users = uniqueName('users');
    await pb.collections.create({
      name: users,
      type: 'auth',
      listRule: '',
      viewRule: '',
      fields: [{ name: 'name', type: 'text' }],
    });
    signedIn.alice = await user('alice');
    signedIn.bob = await user('bob');
    const usersCollection = await pb.collections.getOne(users);
    const created = await createBase(
      pb,
      'posts',
      [
        { name: 'title', type: 'text' },
        { name: 'owner', type: 'text' },
        { name: 'public', type: 'bool' },
        { name: 'author', type: 'relation', collectionId: usersCollection.id, maxSelect: 1 },
      ],
      { listRule: RULE, viewRule: RULE, createRule: null },
    );
    posts = created.name;
  });
  after(async () => {
    await Promise.all(open.map((client) => client.realtime.unsubscribe().catch(() => {})));
    await server.stop();
  });

  test('PB_CONNECT: the stream opens with a client id, used as the event id', async () => {
    const response = await fetch(`${server.url}/api/realtime`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const frame = new TextDecoder().decode(value);
    const id = /^id:(\w+)\nevent:PB_CONNECT\ndata:(.*)\n\n/.exec(frame);
    assert.ok(id, `unexpected first frame: ${frame}`);
    assert.deepEqual(JSON.parse(id[2]), { clientId: id[1] });
    await reader.cancel();
  });

  test('subscribe to * and to one id: create, update and delete arrive', async () => {
    const all = new Inbox();
    await pb.collection(posts).subscribe('*', all.push);
    const created = await pb.collection(posts).create({ title: 'first', public: true });
    const one = new Inbox();
    await pb.collection(posts).subscribe(created.id, one.push);
    await all.until((e) => e.action === 'create' && e.record.id === created.id, 'create on *');
    await pb.collection(posts).update(created.id, { title: 'second' });
    const updated = await one.until((e) => e.action === 'update', 'update on the id');
    assert.equal(updated.record.title, 'second');
    assert.equal(updated.record.collectionName, posts);
    await all.until((e) => e.action === 'update' && e.record.title === 'second', 'update on *');
    await pb.collection(posts).delete(created.id);
    const deleted = await one.until((e) => e.action === 'delete', 'delete on the id');
    assert.equal(deleted.record.id, created.id);
    await all.until((e) => e.action === 'delete', 'delete on *');
    await pb.collection(posts).unsubscribe();
  });

  test('rules per client: a record a client may not see never reaches it', async () => {
    const inboxes = { alice: new Inbox(), bob: new Inbox(), guest: new Inbox() };
    const guestClient = guest();
    await signedIn.alice.collection(posts).subscribe('*', inboxes.alice.push);
    await signedIn.bob.collection(posts).subscribe('*', inboxes.bob.push);
    await guestClient.collection(posts).subscribe('*', inboxes.guest.push);
    const secret = await pb.collection(posts).create({ title: 'alice only', owner: ids.alice });
    await pb.collection(posts).delete(secret.id);
    const marker = await pb.collection(posts).create({ title: 'for everyone', public: true });
    for (const inbox of Object.values(inboxes))
      await inbox.until((e) => e.record.id === marker.id, 'the public marker');
    // events arrive in commit order, so once the marker is in, the secret would be too
    assert.deepEqual(
      inboxes.alice.items.filter((e) => e.record.id === secret.id).map((e) => e.action),
      ['create', 'delete'],
    );
    assert.equal(inboxes.bob.items.filter((e) => e.record.id === secret.id).length, 0);
    assert.equal(inboxes.guest.items.filter((e) => e.record.id === secret.id).length, 0);
    await signedIn.alice.collection(posts).unsubscribe();
    await signedIn.bob.collection(posts).unsubscribe();
    await guestClient.collection(posts).unsubscribe();
  });

  test('per-subscription filter, expand and fields shape each client its own way', async () => {
    const shaped = new Inbox();
    const filtered = new Inbox();
    const plain = new Inbox();
    const client = signedIn.bob;
    await client
      .collection(posts)
      .subscribe('*', shaped.push, { expand: 'author', fields: 'id,title,expand.author.name' });
    await client.collection(posts).subscribe('*', filtered.push, { filter: 'title ~ "keep"' });
    await client.collection(posts).subscribe('*', plain.push);
    const dropped = await pb.collection(posts).create({ title: 'drop me', public: true, author: ids.alice });
    const kept = await pb.collection(posts).create({ title: 'keep me', public: true, author: ids.alice });
    const event = await shaped.until((e) => e.record.id === kept.id, 'the shaped event');
    assert.deepEqual(event.record, { id: kept.id, title: 'keep me', expand: { author: { name: 'alice' } } });
    await filtered.until((e) => e.record.id === kept.id, 'the filtered event');
    await plain.until((e) => e.record.id === kept.id, 'the plain event');
    assert.equal(filtered.items.filter((e) => e.record.id === dropped.id).length, 0);
    const full = plain.items.find((e) => e.record.id === kept.id);
    assert.equal(full.record.author, ids.alice);
    assert.equal(full.record.expand, undefined);
    await client.collection(posts).unsubscribe();
  });

  test('subscription headers and the realtime context reach the rule', async () => {
    const gated = await createBase(pb, 'gated', [{ name: 'title', type: 'text' }], {
      listRule: '@request.context = "realtime" && @request.headers.x_token = "letmein"',
    });
    const withHeader = new Inbox();
    const without = new Inbox();
    const client = guest();
    await client
      .collection(gated.name)
      .subscribe('*', withHeader.push, { headers: { 'X-Token': 'letmein' } });
    await client.collection(gated.name).subscribe('*', without.push, { headers: { 'X-Token': 'wrong' } });
    const marker = new Inbox();
    await client.realtime.subscribe('gated-marker', marker.push);
    const record = await pb.collection(gated.name).create({ title: 'gated' });
    await withHeader.until((e) => e.record.id === record.id, 'the event for the right header');
    await server.app.realtime.publish('gated-marker', {});
    await marker.until(() => true, 'the marker');
    assert.equal(without.items.length, 0);
    // the same rule over plain HTTP is not in the realtime context
    const list = await server
      .client()
      .collection(gated.name)
      .getList(1, 1, { headers: { 'X-Token': 'letmein' } });
    assert.equal(list.totalItems, 0);
    await client.realtime.unsubscribe();
  });

  test('custom topics: app.realtime.publish reaches subscribers of that topic only', async () => {
    const news = new Inbox();
    const other = new Inbox();
    const client = guest();
    await client.realtime.subscribe('news', news.push);
    await client.realtime.subscribe('other', other.push);
    await server.app.realtime.publish('news', { headline: 'hello' });
    await server.app.realtime.publish('other', { n: 1 });
    assert.deepEqual(await news.until(() => true, 'news'), { headline: 'hello' });
    await other.until(() => true, 'other');
    assert.equal(news.items.length, 1);
    await client.realtime.unsubscribe();
  });

  test('sendToClient delivers to one client id (the OAuth2 redirect hook)', async () => {
    const a = guest();
    const b = guest();
    const inboxA = new Inbox();
    const inboxB = new Inbox();
    await a.realtime.subscribe('@oauth2', inboxA.push);
    await b.realtime.subscribe('@oauth2', inboxB.push);
    await server.app.realtime.sendToClient(a.realtime.clientId, '@oauth2', { code: 'abc', state: 's1' });
    await server.app.realtime.sendToClient(b.realtime.clientId, '@oauth2', { code: 'def', state: 's2' });
    assert.deepEqual(await inboxA.until(() => true, 'a'), { code: 'abc', state: 's1' });
    assert.deepEqual(await inboxB.until(() => true, 'b'), { code: 'def', state: 's2' });
    assert.equal(inboxA.items.length, 1);
    await a.realtime.unsubscribe();
    await b.realtime.unsubscribe();
  });

  test('a connection dropped by the server: the SDK reconnects, resubscribes and keeps receiving', async () => {
    const client = guest();
    const inbox = new Inbox();
    await client.collection(posts).subscribe('*', inbox.push);
    const firstId = client.realtime.clientId;
    const first = server.app.realtime.client(firstId);
    assert.ok(first, 'the client is registered on the server');
    server.app.realtime.disconnect(first);
    await eventually(
      () =>
        client.realtime.clientId !== firstId &&
        client.realtime.isConnected &&
        server.app.realtime.client(client.realtime.clientId)?.subscriptions.size === 1,
      'the SDK to reconnect and resubscribe',
    );
    const after = await pb.collection(posts).create({ title: 'after reconnect', public: true });
    await inbox.until((e) => e.record.id === after.id, 'an event after reconnecting');
    await client.collection(posts).unsubscribe();
  });

  test('deleting a signed-in user stops its rule-gated deliveries', async () => {
    const carol = await user('carol');
    const inbox = new Inbox();
    await carol.collection(posts).subscribe('*', inbox.push);
    const before = await pb.collection(posts).create({ title: 'carol 1', owner: ids.carol });
    await inbox.until((e) => e.record.id === before.id, 'carol sees her own post');
    await pb.collection(users).delete(ids.carol);
    const hidden = await pb.collection(posts).create({ title: 'carol 2', owner: ids.carol });
    const marker = await pb.collection(posts).create({ title: 'public', public: true });
    await inbox.until((e) => e.record.id === marker.id, 'the public marker (as a guest now)');
    assert.equal(inbox.items.filter((e) => e.record.id === hidden.id).length, 0);
    await carol.collection(posts).unsubscribe();
  });

  test('POST /api/realtime: bad form 400, unknown client 404, switching users 403', async () => {
    const bad = await http(server.url, 'POST', '/api/realtime', { body: { subscriptions: 'x' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.data.clientId.code, 'validation_required');
    assert.equal(bad.body.data.subscriptions.code, 'validation_invalid_value');
    const missing = await http(server.url, 'POST', '/api/realtime', {
      body: { clientId: 'nope', subscriptions: [] },
    });
    assert.equal(missing.status, 404);
    const alice = signedIn.alice;
    await alice.realtime.subscribe('anything', () => {});
    const err = await expectApiError(
      signedIn.bob.send('/api/realtime', {
        method: 'POST',
        body: { clientId: alice.realtime.clientId, subscriptions: ['x'] },
      }),
      403,
    );
    assert.match(err.message, /authorization don't match/);
    await alice.realtime.unsubscribe();
  });

  test('a new token secret on the auth collection turns its signed-in clients into guests', async () => {
    const dave = await user('dave');
    const inbox = new Inbox();
    await dave.collection(posts).subscribe('*', inbox.push);
    const mine = await pb.collection(posts).create({ title: 'dave 1', owner: ids.dave });
    await inbox.until((e) => e.record.id === mine.id, 'dave sees his own post');
    await pb.collections.update(users, { authToken: { secret: 's'.repeat(50) } });
    const hidden = await pb.collection(posts).create({ title: 'dave 2', owner: ids.dave });
    const marker = await pb.collection(posts).create({ title: 'public 2', public: true });
    await inbox.until((e) => e.record.id === marker.id, 'the public marker (as a guest now)');
    assert.equal(inbox.items.filter((e) => e.record.id === hidden.id).length, 0);
    await dave
      .collection(posts)
      .unsubscribe()
      .catch(() => {});
  });
});

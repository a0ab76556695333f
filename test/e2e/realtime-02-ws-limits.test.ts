import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type PocketBase from 'pocketbase';
import WebSocket from 'ws';
import { eventually, Inbox } from '../helpers/realtime.ts';
import { createBase, uniqueName } from '../helpers/sdk-fixtures.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

const PASSWORD = 'user-password-123';

/** A WebSocket client that collects every JSON message. */
async function openWs(url: string): Promise<{ ws: WebSocket; inbox: Inbox; clientId: string }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/basalt/realtime/ws`);
  const inbox = new Inbox();
  ws.on('message', (data) => inbox.push(JSON.parse(String(data))));
  const hello = await inbox.until((m) => m.type === 'connect', 'the connect message');
  return { ws, inbox, clientId: hello.clientId };
}

/** Sends one control message and waits for its answer. */
async function call(c: { ws: WebSocket; inbox: Inbox }, message: object): Promise<any> {
  const seen = c.inbox.items.length;
  c.ws.send(JSON.stringify(message));
  return c.inbox.until(
    (m) => c.inbox.items.indexOf(m) >= seen && (m.type === 'ok' || m.type === 'error'),
    'an answer',
  );
}

/** A raw SSE connection over TCP; answers its client id, then stops reading when told. */
async function rawSse(url: string): Promise<{ socket: Socket; clientId: string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`GET /api/realtime HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
  let text = '';
  const clientId = await new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk) => {
      text += chunk;
      const match = /id:(\w+)\nevent:PB_CONNECT/.exec(text);
      if (match) resolve(match[1]);
    });
    socket.on('error', reject);
  });
  socket.removeAllListeners('data');
  return { socket, clientId, closed };
}

describe('realtime: WebSocket endpoint, back-pressure, idle timeout, heartbeats', () => {
  let server: TestServer;
  let pb: PocketBase;
  let posts: string;
  let aliceToken: string;
  let aliceId: string;
  const sockets: WebSocket[] = [];

  before(async () => {
    // trusting the loopback proxy lets a test pose as another address with X-Forwarded-For
    server = await startServer({ trustedProxies: ['127.0.0.1'] });
    pb = await server.superuser();
    const users = uniqueName('users');
    await pb.collections.create({ name: users, type: 'auth', fields: [] });
    const alice = await pb
      .collection(users)
      .create({ email: 'alice@example.com', password: PASSWORD, passwordConfirm: PASSWORD });
    aliceId = alice.id;
    const auth = await server.client().collection(users).authWithPassword('alice@example.com', PASSWORD);
    aliceToken = auth.token;
    const rule = 'public = true || owner = @request.auth.id';
    const created = await createBase(
      pb,
      'wsposts',
      [
        { name: 'title', type: 'text' },
        { name: 'owner', type: 'text' },
        { name: 'public', type: 'bool' },
      ],
      { listRule: rule, viewRule: rule },
    );
    posts = created.name;
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server.stop();
  });

  test('WebSocket: auth, subscribe with options, rule-filtered {topic, action, record}, unsubscribe', async () => {
    const alice = await openWs(server.url);
    const guest = await openWs(server.url);
    sockets.push(alice.ws, guest.ws);
    assert.equal((await call(alice, { type: 'auth', token: aliceToken })).type, 'ok');
    const topic = `${posts}/*?options=${encodeURIComponent(JSON.stringify({ query: { fields: 'id,title' } }))}`;
    const answer = await call(alice, { type: 'subscribe', topics: [topic, 'marker'] });
    assert.deepEqual(answer.topics, [topic, 'marker']);
    await call(guest, { type: 'subscribe', topics: [`${posts}/*`, 'marker'] });

    const secret = await pb.collection(posts).create({ title: 'secret', owner: aliceId });
    const open = await pb.collection(posts).create({ title: 'open', public: true });
    const got = await alice.inbox.until((m) => m.record?.id === secret.id, 'alice gets her own post');
    assert.deepEqual(got, { topic, action: 'create', record: { id: secret.id, title: 'secret' } });
    await guest.inbox.until((m) => m.record?.id === open.id, 'the guest gets the public post');
    assert.equal(guest.inbox.items.filter((m) => m.record?.id === secret.id).length, 0);

    await call(alice, { type: 'unsubscribe', topics: [topic] });
    const later = await pb.collection(posts).create({ title: 'later', public: true });
    await server.app.realtime.publish('marker', { n: 1 });
    await alice.inbox.until((m) => m.topic === 'marker', 'the marker');
    assert.equal(alice.inbox.items.filter((m) => m.record?.id === later.id).length, 0);

    assert.equal((await call(alice, { type: 'auth', token: 'forged' })).type, 'error');
    const bad = await call(guest, { type: 'dance' });
    assert.match(bad.message, /Unknown message type/);
  });

  test('a client that stops reading is cut off once its buffer passes the bound', async () => {
    const limit = 256 * 1024;
    server.app.realtime.settings.maxBufferBytes = limit;
    const slow = await rawSse(server.url);
    slow.socket.pause(); // never reads again: the kernel buffers fill, then Node's
    const reader = await rawSse(server.url); // the control: same flood, but it reads
    let readBytes = 0;
    reader.socket.on('data', (chunk) => {
      readBytes += chunk.length;
    });
    for (const c of [slow, reader]) {
      const set = await http(server.url, 'POST', '/api/realtime', {
        body: { clientId: c.clientId, subscriptions: ['flood'] },
      });
      assert.equal(set.status, 204);
    }
    const payload = { blob: 'x'.repeat(64 * 1024) };
    const rssBefore = process.memoryUsage().rss;
    let sent = 0;
    while (server.app.realtime.client(slow.clientId) && sent < 600) {
      await server.app.realtime.publish('flood', payload);
      await new Promise((resolve) => setImmediate(resolve));
      sent++;
    }
    assert.equal(
      server.app.realtime.client(slow.clientId),
      undefined,
      `still connected after ${sent} messages`,
    );
    assert.ok(
      sent * 64 * 1024 > 4 * limit,
      'cut off only once well past the bound (kernel buffers included)',
    );
    assert.ok(server.app.realtime.client(reader.clientId), 'the client that reads stays connected');
    assert.ok(server.app.realtime.stats().cutOff >= 1, 'the cut-off is counted');
    assert.ok(readBytes > 2 * limit, `the reader took ${readBytes} bytes`);
    reader.socket.destroy();
    const growthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    assert.ok(growthMb < 64, `memory grew by ${growthMb.toFixed(1)} MB while flooding`);
    slow.socket.resume();
    slow.socket.on('data', () => {});
    await slow.closed; // the server ended the connection
    server.app.realtime.settings.maxBufferBytes = 1 << 20;
  });

  test('a node whose backlog is full drops bus messages instead of queueing them', async () => {
    const watcher = await openWs(server.url);
    sockets.push(watcher.ws);
    await call(watcher, { type: 'subscribe', topics: [`${posts}/*`, 'marker2'] });
    const before = server.app.realtime.stats().dropped;
    server.app.realtime.settings.maxBacklog = 0;
    const dropped = await pb.collection(posts).create({ title: 'dropped', public: true });
    await eventually(() => server.app.realtime.stats().dropped > before, 'the event to be dropped');
    server.app.realtime.settings.maxBacklog = 10_000;
    // messages are delivered in bus order, so once the marker is in, the record would be too
    await server.app.realtime.publish('marker2', {});
    await watcher.inbox.until((m) => m.topic === 'marker2', 'the marker');
    assert.equal(watcher.inbox.items.filter((m) => m.record?.id === dropped.id).length, 0);
    assert.equal(server.app.realtime.stats().dropped, before + 1);
    const kept = await pb.collection(posts).create({ title: 'kept', public: true });
    await watcher.inbox.until((m) => m.record?.id === kept.id, 'events flow again once there is room');
  });

  test('subscriptions for a client id from another address are refused', async () => {
    const sse = await rawSse(server.url);
    const elsewhere = await http(server.url, 'POST', '/api/realtime', {
      body: { clientId: sse.clientId, subscriptions: ['x'] },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.body.message, 'Invalid realtime client.');
    assert.equal(server.app.realtime.client(sse.clientId)?.subscriptions.size, 0);
    const here = await http(server.url, 'POST', '/api/realtime', {
      body: { clientId: sse.clientId, subscriptions: ['x'] },
    });
    assert.equal(here.status, 204);
    sse.socket.destroy();
  });

  test('heartbeats reach quiet clients; a client without subscriptions is dropped when idle', async () => {
    server.app.realtime.settings.heartbeatMs = 100;
    server.app.realtime.settings.idleTimeoutMs = 60_000;
    const quiet = await rawSse(server.url);
    await http(server.url, 'POST', '/api/realtime', {
      body: { clientId: quiet.clientId, subscriptions: ['q'] },
    });
    let text = '';
    quiet.socket.on('data', (chunk) => {
      text += chunk;
    });
    await eventually(() => text.includes(':\n\n'), 'a heartbeat comment', 4000);
    server.app.realtime.settings.idleTimeoutMs = 200;
    const idle = await rawSse(server.url);
    idle.socket.on('data', () => {});
    await idle.closed;
    assert.equal(server.app.realtime.client(idle.clientId), undefined);
    assert.ok(server.app.realtime.client(quiet.clientId), 'the subscribed client stays');
    quiet.socket.destroy();
    server.app.realtime.settings.heartbeatMs = 30_000;
    server.app.realtime.settings.idleTimeoutMs = 300_000;
  });
});

/**
 * Webhooks end to end: record events through the official SDK reach a real local HTTP
 * receiver, signed (checked here with our own HMAC); 500s are retried; repeated
 * failure disables the webhook; private targets are refused without allowPrivate.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { isPrivateAddress, verifyDelivery } from '../../src/webhooks/index.ts';
import { http, startServer, type TestServer } from '../helpers/server.ts';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: TestServer;
let pb: PocketBase;
let token: string;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** path → statuses to answer in turn (the last one repeats) */
const script = new Map<string, number[]>();

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const plan = script.get(req.url ?? '') ?? [200];
      res.statusCode = plan.length > 1 ? (plan.shift() as number) : plan[0];
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startServer();
  pb = await server.superuser();
  token = pb.authStore.token;
  await pb.collections.create({ name: 'posts', type: 'base', fields: [{ name: 'title', type: 'text' }] });
});
after(async () => {
  await server.stop();
  await new Promise((r) => receiver.close(r));
});

async function createHook(body: Record<string, unknown>): Promise<any> {
  const res = await http(server.url, 'POST', '/api/basalt/webhooks', { token, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function waitFor<T>(
  get: () => Promise<T> | T,
  ok: (v: T) => boolean,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const deliveries = async (id: string) =>
  (await http(server.url, 'GET', `/api/basalt/webhooks/${id}/deliveries`, { token })).body;

test('a record event is delivered, signed over timestamp.body with the webhook secret', async () => {
  const hook = await createHook({
    collection: 'posts',
    url: `${receiverUrl}/signed`,
    events: ['create'],
    allowPrivate: true,
  });
  assert.equal(typeof hook.secret, 'string');
  assert.ok(hook.secret.length >= 16);
  const record = await pb.collection('posts').create({ title: 'hello' });
  const got = await waitFor(
    () => received.filter((r) => r.path === '/signed'),
    (r) => r.length === 1,
    'the delivery',
  );
  const { headers, body } = got[0];
  const timestamp = String(headers['x-basalt-timestamp']);
  const expected = `v1=${createHmac('sha256', hook.secret).update(`${timestamp}.${body}`).digest('hex')}`;
  assert.equal(headers['x-basalt-signature'], expected);
  assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60);
  assert.equal(verifyDelivery(hook.secret, { timestamp, signature: expected }, body), true);
  assert.equal(
    verifyDelivery(hook.secret, { timestamp, signature: expected }, `${body} `),
    false,
    'a changed body fails',
  );
  assert.equal(verifyDelivery('another-secret-value', { timestamp, signature: expected }, body), false);
  const payload = JSON.parse(body);
  assert.equal(payload.type, 'record.create');
  assert.equal(payload.collection.name, 'posts');
  assert.equal(payload.record.id, record.id);
  assert.equal(payload.record.title, 'hello');
  assert.equal(headers['x-basalt-webhook-id'], hook.id);
  // only subscribed events: an update sends nothing to this webhook
  await pb.collection('posts').update(record.id, { title: 'changed' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(received.filter((r) => r.path === '/signed').length, 1);
  const log = await waitFor(
    () => deliveries(hook.id),
    (d) => d.length === 1,
    'the delivery log',
  );
  assert.equal(log[0].ok, true);
  assert.equal(log[0].status, 200);
});

test('deliveries are queued in the record write transaction: a rolled-back write sends nothing', async () => {
  const hook = await createHook({
    collection: 'posts',
    url: `${receiverUrl}/tx`,
    events: ['create'],
    allowPrivate: true,
  });
  // outermost handler: the write and the webhook enqueue have run when it throws
  server.app.onRecordCreate('posts').bind({
    id: 'test-reject-after-write',
    priority: -2_000_000,
    fn: async (e) => {
      await e.next();
      if (e.body.title === 'roll me back') throw new Error('rejected after the write');
    },
  });
  await assert.rejects(pb.collection('posts').create({ title: 'roll me back' }));
  await pb.collection('posts').create({ title: 'keep me' });
  const got = await waitFor(
    () => received.filter((r) => r.path === '/tx'),
    (r) => r.length >= 1,
    'the kept delivery',
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(
    got.map((r) => JSON.parse(r.body).record.title),
    ['keep me'],
  );
  const queued = await server.app.jobs.list({ queue: 'basalt.webhooks', perPage: 1000 });
  assert.equal(
    queued.items.filter((j) => (j.payload as { webhookId: string }).webhookId === hook.id).length,
    1,
  );
  await http(server.url, 'DELETE', `/api/basalt/webhooks/${hook.id}`, { token });
});

test('a 500 is retried with backoff until the receiver accepts; the streak resets', async () => {
  script.set('/flaky', [500, 500, 200]);
  const hook = await createHook({
    collection: 'posts',
    url: `${receiverUrl}/flaky`,
    allowPrivate: true,
    backoffMs: 50,
  });
  await pb.collection('posts').create({ title: 'retry me' });
  const log = await waitFor(
    () => deliveries(hook.id),
    (d) => d.some((x: { ok: boolean }) => x.ok),
    'a successful attempt',
  );
  assert.deepEqual(log.map((d: { attempt: number; status: number }) => [d.attempt, d.status]).reverse(), [
    [1, 500],
    [2, 500],
    [3, 200],
  ]);
  const bodies = new Set(received.filter((r) => r.path === '/flaky').map((r) => r.body));
  assert.equal(bodies.size, 1, 'every retry carries the same body');
  const after = (await http(server.url, 'GET', `/api/basalt/webhooks/${hook.id}`, { token })).body;
  assert.equal(after.failures, 0);
  assert.equal(after.active, true);
});

test('repeated failure disables the webhook and stops deliveries', async () => {
  script.set('/down', [500]);
  const hook = await createHook({
    collection: 'posts',
    url: `${receiverUrl}/down`,
    allowPrivate: true,
    backoffMs: 20,
    maxAttempts: 10,
    maxFailures: 3,
  });
  await pb.collection('posts').create({ title: 'nobody listens' });
  const disabled = await waitFor(
    async () => (await http(server.url, 'GET', `/api/basalt/webhooks/${hook.id}`, { token })).body,
    (h) => h.active === false,
    'the webhook to be disabled',
  );
  assert.equal(disabled.failures, 3);
  assert.ok(disabled.disabledAt > 0);
  assert.match(disabled.lastError, /HTTP 500/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(
    received.filter((r) => r.path === '/down').length,
    3,
    'no attempt after the webhook was disabled',
  );
  await pb.collection('posts').create({ title: 'still nobody' });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.filter((r) => r.path === '/down').length, 3, 'a disabled webhook gets no new events');
  // turning it back on clears the streak
  const on = await http(server.url, 'PATCH', `/api/basalt/webhooks/${hook.id}`, {
    token,
    body: { active: true },
  });
  assert.equal(on.body.failures, 0);
  assert.equal(on.body.disabledAt, null);
  await http(server.url, 'DELETE', `/api/basalt/webhooks/${hook.id}`, { token });
});

test('private, loopback and link-local targets are refused without allowPrivate', async () => {
  const port = (receiver.address() as AddressInfo).port;
  const targets = [
    `http://127.0.0.1:${port}/ssrf`,
    `http://localhost:${port}/ssrf`,
    'http://10.1.2.3/ssrf',
    'http://169.254.169.254/latest/meta-data',
  ];
  const hooks = [];
  for (const url of targets) hooks.push(await createHook({ collection: 'posts', url, maxAttempts: 1 }));
  await pb.collection('posts').create({ title: 'try to reach inside' });
  for (const hook of hooks) {
    const [attempt] = await waitFor(
      () => deliveries(hook.id),
      (d) => d.length === 1,
      `the refusal of ${hook.url}`,
    );
    assert.equal(attempt.ok, false);
    assert.equal(attempt.status, 0);
    assert.match(attempt.error, /refused to deliver/, hook.url);
  }
  assert.equal(received.filter((r) => r.path === '/ssrf').length, 0, 'nothing reached the receiver');
});

test('the address rules cover mapped IPv6 and leave public addresses alone', () => {
  for (const ip of [
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
  ])
    assert.equal(isPrivateAddress(ip), true, ip);
  for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
    assert.equal(isPrivateAddress(ip), false, ip);
});

test('webhook input is validated; the API needs a superuser', async () => {
  const bad = await http(server.url, 'POST', '/api/basalt/webhooks', {
    token,
    body: { collection: 'nope', url: 'ftp://x', events: ['explode'], maxFailures: 0 },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.data.collection.code, 'validation_missing_collection');
  assert.equal(bad.body.data.url.code, 'validation_invalid_url');
  assert.equal(bad.body.data.events.code, 'validation_invalid_events');
  assert.equal(bad.body.data.maxFailures.code, 'validation_invalid_number');
  assert.equal((await http(server.url, 'GET', '/api/basalt/webhooks')).status, 401);
  assert.equal((await http(server.url, 'GET', '/api/basalt/webhooks/missing', { token })).status, 404);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { http, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

test('liveness answers while the process is up', async () => {
  const live = await http(server.url, 'GET', '/api/basalt/live');
  assert.equal(live.status, 200);
  assert.deepEqual(live.body, { status: 'live' });
  const head = await fetch(`${server.url}/api/basalt/live`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('readiness checks the database and names each check', async () => {
  const ready = await http(server.url, 'GET', '/api/basalt/ready');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'ready');
  const db = ready.body.checks.find((c: { name: string }) => c.name === 'database');
  assert.equal(db.ok, true);
  assert.equal(typeof db.ms, 'number');
  const pubsub = ready.body.checks.find((c: { name: string }) => c.name === 'pubsub');
  assert.equal(pubsub?.ok, true, 'the pub/sub engine is checked too');
  const health = await http(server.url, 'GET', '/api/health');
  assert.equal(health.status, 200);
});

test('an engine that does not answer in time makes readiness 503, naming it', async () => {
  const readiness = server.app.observability.readiness;
  readiness.add('stuck-engine', () => new Promise(() => {}));
  readiness.add('broken-engine', async () => {
    throw new Error('connection refused');
  });
  const ready = await http(server.url, 'GET', '/api/basalt/ready');
  assert.equal(ready.status, 503);
  assert.equal(ready.body.status, 'not_ready');
  const byName = Object.fromEntries(ready.body.checks.map((c: { name: string }) => [c.name, c]));
  assert.equal(byName.database.ok, true);
  assert.equal(byName['stuck-engine'].ok, false);
  assert.match(byName['stuck-engine'].error, /no answer within/);
  assert.equal(byName['broken-engine'].error, 'connection refused');
  // liveness is about the process, not its engines
  assert.equal((await http(server.url, 'GET', '/api/basalt/live')).status, 200);
  readiness.add('stuck-engine', async () => {});
  readiness.add('broken-engine', async () => {});
});

test('readiness answers 503 once the server starts draining for shutdown', async () => {
  // a slow check keeps the probe in flight while shutdown begins
  server.app.observability.readiness.add(
    'slow-engine',
    () => new Promise((resolve) => setTimeout(resolve, 400)),
  );
  const probe = http(server.url, 'GET', '/api/basalt/ready');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const closing = server.app.close();
  const answer = await probe;
  await closing;
  assert.equal(answer.status, 503);
  assert.equal(answer.body.status, 'draining');
});

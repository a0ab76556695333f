/**
 * Graceful shutdown of a `basalt serve` child process: on SIGTERM requests in flight finish
 * with 200, new connections are refused, the process exits 0 and the data dir reopens with
 * every acknowledged write. A second signal, or the shutdown timeout, ends it at once.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allRecords,
  createOpenCollection,
  type ProcessServer,
  startProcessServer,
  tempDir,
} from '../helpers/process-server.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[] = []): Promise<ProcessServer> {
  const dir = tempDir('basalt-shutdown-');
  dirs.push(dir);
  const server = await startProcessServer(dir, { args });
  await createOpenCollection(server, 'items');
  return server;
}

/**
 * A create whose body arrives in two halves: the first once the server has read the
 * headers (it answered `100 Continue`), the rest when `finish()` is called. Until then
 * the request is in flight on its own connection.
 */
async function slowCreate(server: ProcessServer, title: string) {
  const body = Buffer.from(JSON.stringify({ title, n: 1 }));
  const half = Math.floor(body.length / 2);
  const { hostname, port } = new URL(server.url);
  const request = httpRequest({
    host: hostname,
    port,
    method: 'POST',
    path: '/api/collections/items/records',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
  });
  response.catch(() => {});
  request.flushHeaders();
  await new Promise((resolve) => request.once('continue', resolve));
  request.write(body.subarray(0, half));
  return { response, finish: () => request.end(body.subarray(half)) };
}

/** Resolves once a new TCP connection to the server is refused (rejects if it is still accepted after 3 s). */
async function connectionRefused(server: ProcessServer): Promise<void> {
  const { hostname, port } = new URL(server.url);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
    if (refused) return;
    await sleep(20);
  }
  throw new Error('new connections were still accepted 3 s after SIGTERM');
}

async function untilStderr(server: ProcessServer, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!pattern.test(server.stderr())) {
    if (Date.now() > deadline) throw new Error(`stderr never matched ${pattern}:\n${server.stderr()}`);
    await sleep(10);
  }
}

/** Writers creating records in a loop until the server stops answering. */
function writers(server: ProcessServer, count: number) {
  const acked = new Map<string, string>();
  const statuses = new Map<number, number>();
  const bad: string[] = [];
  const loops = Array.from({ length: count }, async (_, index) => {
    for (let seq = 0; ; seq++) {
      const title = `w${index}-${seq}`;
      try {
        const response = await fetch(`${server.url}/api/collections/items/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title }),
        });
        const body: any = await response.json();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) acked.set(body.id, title);
        else if (response.status !== 503) bad.push(`${response.status} ${JSON.stringify(body)}`);
        else if (Object.keys(body).sort().join() !== 'data,message,status')
          bad.push(`503 ${JSON.stringify(body)}`);
      } catch {
        return; // connection refused or closed: the server has stopped accepting
      }
    }
  });
  return { acked, statuses, bad, done: Promise.all(loops) };
}

describe('graceful shutdown', { concurrency: true }, () => {
  it('SIGTERM: in-flight requests finish with 200, new connections are refused, exit 0, data reopens', async (t) => {
    const server = await start();
    try {
      const slow = await slowCreate(server, 'slow one');
      const load = writers(server, 16);
      const deadline = Date.now() + 5000;
      while (load.acked.size < 20 && Date.now() < deadline) await sleep(20);
      const ackedBeforeSignal = load.acked.size;
      server.child.kill('SIGTERM');
      await untilStderr(server, /Received SIGTERM/);
      await connectionRefused(server);
      // the slow request was in flight all along: it still completes
      slow.finish();
      const answered = await slow.response;
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      assert.equal(answered.body.title, 'slow one');
      await load.done;
      const exit = await Promise.race([server.exited, sleep(10_000, 'timeout' as const, { ref: false })]);
      assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
      t.diagnostic(
        `writers: ${JSON.stringify(Object.fromEntries(load.statuses))}, ${ackedBeforeSignal} before the signal`,
      );
      assert.ok(ackedBeforeSignal > 0, 'no writes were acknowledged before the signal');
      assert.deepEqual(load.bad.slice(0, 5), [], 'answers other than 200 or a PocketBase-shaped 503');

      const reopened = await startProcessServer(server.dir, { superuser: false });
      try {
        const stored = await allRecords(reopened, 'items');
        const missing = [...load.acked.keys()].filter((id) => stored.get(id) !== load.acked.get(id));
        assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged writes missing`);
        assert.equal(stored.get(answered.body.id), 'slow one');
      } finally {
        await reopened.kill();
      }
    } finally {
      await server.kill();
    }
  });

  it('an in-flight response closes its connection; a request pipelined behind it is never half-served', async () => {
    const server = await start();
    try {
      const { hostname, port } = new URL(server.url);
      const body = JSON.stringify({ title: 'pipelined' });
      const socket = connect(Number(port), hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      let raw = '';
      socket.on('data', (chunk) => (raw += chunk));
      const closed = new Promise((resolve) => socket.on('close', resolve));
      socket.write(
        `POST /api/collections/items/records HTTP/1.1\r\nHost: ${hostname}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
      while (!raw.includes('100 Continue')) await sleep(10);
      raw = '';
      socket.write(body.slice(0, 5));
      await sleep(50);
      server.child.kill('SIGTERM');
      await untilStderr(server, /Received SIGTERM/);
      await connectionRefused(server);
      socket.write(`${body.slice(5)}GET /api/health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      await Promise.race([closed, sleep(5000, null, { ref: false })]);
      // The in-flight request completes and its response closes the connection (Connection:
      // close), so a keep-alive socket cannot hold the shutdown open. A request pipelined
      // behind it is either refused with a PocketBase-shaped 503 or never read; the client
      // retries it elsewhere, as HTTP allows after Connection: close.
      const responses = raw.split(/(?=HTTP\/1\.1 )/);
      assert.match(responses[0], /^HTTP\/1\.1 200/, raw);
      assert.match(responses[0], /connection: close/i, raw);
      assert.ok(responses.length <= 2, raw);
      if (responses.length === 2) {
        assert.match(responses[1], /^HTTP\/1\.1 503/, raw);
        const answer = JSON.parse(responses[1].split('\r\n\r\n')[1]);
        assert.deepEqual(Object.keys(answer).sort(), ['data', 'message', 'status'], raw);
      }
      assert.deepEqual(await server.exited, { code: 0, signal: null });
    } finally {
      await server.kill();
    }
  });

  for (const [first, second, code] of [
    ['SIGTERM', 'SIGINT', 130],
    ['SIGINT', 'SIGTERM', 143],
  ] as const) {
    it(`a second signal during a long shutdown exits at once (${first} then ${second})`, async () => {
      const server = await start();
      try {
        await slowCreate(server, 'never finished'); // holds the shutdown open
        await sleep(50);
        server.child.kill(first);
        await untilStderr(server, new RegExp(`Received ${first}`));
        await sleep(200);
        assert.equal(server.child.exitCode, null, 'the in-flight request should hold the shutdown open');
        const sent = Date.now();
        server.child.kill(second);
        const exit = await Promise.race([server.exited, sleep(3000, 'timeout' as const, { ref: false })]);
        assert.deepEqual(exit, { code, signal: null }, server.stderr());
        assert.ok(Date.now() - sent < 2000);
        assert.match(server.stderr(), new RegExp(`Received ${second} again; exiting now`));
      } finally {
        await server.kill();
      }
    });
  }

  it('a shutdown that outlasts --shutdown-timeout exits non-zero, and the data dir reopens', async () => {
    const server = await start(['--shutdown-timeout', '1s']);
    try {
      const ok = await fetch(`${server.url}/api/collections/items/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'before' }),
      });
      const before: any = await ok.json();
      await slowCreate(server, 'never finished'); // holds the shutdown open
      await sleep(50);
      const sent = Date.now();
      server.child.kill('SIGTERM');
      const exit = await Promise.race([server.exited, sleep(5000, 'timeout' as const, { ref: false })]);
      assert.deepEqual(exit, { code: 1, signal: null }, server.stderr());
      const took = Date.now() - sent;
      assert.ok(took >= 900 && took < 3000, `exited after ${took} ms`);
      assert.match(server.stderr(), /did not finish after 1s/);

      const reopened = await startProcessServer(server.dir, { superuser: false });
      try {
        const stored = await allRecords(reopened, 'items');
        assert.equal(stored.get(before.id), 'before');
        assert.ok(![...stored.values()].includes('never finished'));
      } finally {
        await reopened.kill();
      }
    } finally {
      await server.kill();
    }
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import PocketBase from 'pocketbase';
import { tempDir } from '../helpers/process-server.ts';
import { expectApiError } from '../helpers/sdk-fixtures.ts';
import { http, SUPERUSER } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/blog/main.ts');
const base = tempDir('basalt-example-');
const data = join(base, 'data');
after(() => rmSync(base, { recursive: true, force: true }));

/** Runs the example program with `args`; resolves on exit (or, with `until`, once stdout matches it). */
function runExample(args: string[], until?: RegExp) {
  const child = spawn(process.execPath, [EXAMPLE, ...args, '--dir', data], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<RegExpExecArray | null>((resolve, reject) => {
    if (!until) return resolve(null);
    const timer = setTimeout(() => reject(new Error(`example did not start:\n${out}\n${err}`)), 20_000);
    child.stdout.on('data', () => {
      const match = until.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve(match);
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`example exited:\n${out}\n${err}`));
    });
  });
  return { child, exited, ready, stderr: () => err };
}

test('the blog example: collections on first start, validating hook, job after create, cron, routes', async () => {
  // the program runs the basalt CLI on itself: `superuser upsert` works as with the binary
  const upsert = runExample(['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password]);
  assert.equal(await upsert.exited, 0, upsert.stderr());

  const server = runExample(
    ['serve', '--http', '127.0.0.1:0', '--log-level', 'warn'],
    /Server started at (\S+)/,
  );
  const url = (await server.ready)![1];
  try {
    const pb = new PocketBase(url);
    const bad = await expectApiError(pb.collection('posts').create({ title: 'x' }), 400);
    assert.equal(bad.data.title.code, 'validation_title_too_short');

    const post = await pb.collection('posts').create({ title: 'Hello, Basalt!' });
    assert.equal(post.slug, 'hello-basalt');

    // the after-create hook queued a job; its handler writes a notification
    let stats = { posts: 0, notifications: 0 };
    for (let i = 0; i < 100 && stats.notifications < 1; i++) {
      stats = (await http(url, 'GET', '/api/blog/stats')).body;
      if (stats.notifications < 1) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(stats, { posts: 1, notifications: 1 });

    const su = new PocketBase(url);
    await su.collection('_superusers').authWithPassword(SUPERUSER.email, SUPERUSER.password);
    const notifications = await su.collection('notifications').getFullList();
    assert.deepEqual(
      notifications.map((n) => [n.post, n.message]),
      [[post.id, 'New post: Hello, Basalt!']],
    );
    const crons = await su.crons.getFullList();
    assert.ok(
      crons.some((c) => c.id === 'daily-digest' && c.expression === '0 8 * * *'),
      JSON.stringify(crons),
    );

    // superuser-only route acting with the caller's context
    assert.equal(
      (await http(url, 'POST', `/api/blog/posts/${post.id}/retitle`, { body: { title: 'New' } })).status,
      401,
    );
    const retitled = await http(url, 'POST', `/api/blog/posts/${post.id}/retitle`, {
      body: { title: 'Renamed post' },
      token: su.authStore.token,
    });
    assert.deepEqual(retitled.body, { id: post.id, title: 'Renamed post' });
  } finally {
    server.child.kill('SIGTERM');
  }
  assert.equal(await server.exited, 0, 'graceful stop through the CLI the example started');
});

import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { http } from '../helpers/server.ts';
import {
  allRecords,
  createOpenCollection,
  type ProcessServer,
  runBasalt,
  startProcessServer,
  tempDir,
} from '../helpers/process-server.ts';

const dir = tempDir('basalt-backup-cli-');
let server: ProcessServer | null = null;
after(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const quiet = ['--dir', dir, '--log-level', 'warn'];

async function addRecords(s: ProcessServer, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const response = await http(s.url, 'POST', '/api/collections/notes/records', {
      body: { title: `note ${i}`, n: i },
    });
    assert.equal(response.status, 200);
  }
}

test('basalt backup: create online, list, verify, refuse a damaged archive, restore offline, prune', async () => {
  server = await startProcessServer(dir);
  await createOpenCollection(server, 'notes');
  await addRecords(server, 0, 20);
  const before = await allRecords(server, 'notes');

  // taken from another process while the server keeps serving
  const created = await runBasalt(['backup', 'create', 'cli_one.tar.gz', ...quiet, '--json']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(JSON.parse(created.stdout).key, 'cli_one.tar.gz');
  assert.match(created.stderr, /snapshot .*MB\/s/, 'progress is shown on stderr');
  await addRecords(server, 20, 5);

  const listed = await runBasalt(['backup', 'list', ...quiet, '--json']);
  assert.deepEqual(
    JSON.parse(listed.stdout).map((b: { key: string }) => b.key),
    ['cli_one.tar.gz'],
  );
  const verified = await runBasalt(['backup', 'verify', 'cli_one.tar.gz', ...quiet, '--json']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.equal(JSON.parse(verified.stdout).ok, true);

  // restore refuses to run under a live server
  const address = new URL(server.url).host;
  const refused = await runBasalt(['backup', 'restore', 'cli_one.tar.gz', ...quiet, '--http', address]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /stop it first/);
  await server.kill();

  // a truncated copy: verify says what is wrong, restore refuses and leaves the data alone
  const archive = readFileSync(join(dir, 'backups', 'cli_one.tar.gz'));
  writeFileSync(join(dir, 'backups', 'cut.tar.gz'), archive.subarray(0, archive.length >> 1));
  const badVerify = await runBasalt(['backup', 'verify', 'cut.tar.gz', ...quiet]);
  assert.equal(badVerify.code, 1);
  assert.match(badVerify.stderr, /Error: The backup archive is damaged/);
  const liveBefore = readFileSync(join(dir, 'data.db'));
  const badRestore = await runBasalt(['backup', 'restore', 'cut.tar.gz', ...quiet]);
  assert.equal(badRestore.code, 1);
  assert.ok(
    readFileSync(join(dir, 'data.db')).equals(liveBefore),
    'the refused restore left the database file as it was',
  );

  const restored = await runBasalt(['backup', 'restore', 'cli_one.tar.gz', ...quiet]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /Restored cli_one\.tar\.gz/);
  server = await startProcessServer(dir, { superuser: false });
  assert.deepEqual(await allRecords(server, 'notes'), before, 'exactly the records of the backup');
  await server.kill();
  server = null;

  const pruned = await runBasalt(['backup', 'prune', '--keep-last', '1', '--all', ...quiet, '--json']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal(JSON.parse(pruned.stdout).deleted.length, 1);
  const badFlag = await runBasalt(['backup', 'prune', '--keep-last', 'lots', ...quiet]);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--keep-last must be a whole number/);
});

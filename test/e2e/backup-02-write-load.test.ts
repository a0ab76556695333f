import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let pb: PocketBase;

before(async () => {
  server = await startServer();
  pb = await server.superuser();
  await pb.collections.create({
    name: 'events',
    type: 'base',
    fields: [
      { name: 'n', type: 'number' },
      { name: 'blob', type: 'file', maxSelect: 1, maxSize: 1_000_000 },
    ],
  });
});
after(() => server.stop());

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('a backup taken under concurrent creates restores every write acknowledged before it began', async () => {
  const acked: string[] = [];
  const files = new Map<string, string>(); // record id → sha256 of its file
  let stop = false;
  let n = 0;
  const writer = async () => {
    while (!stop) {
      const i = n++;
      if (i % 10 === 0) {
        const bytes = new TextEncoder().encode(`file ${i} `.repeat(200 + i));
        const form = new FormData();
        form.set('n', String(i));
        form.set('blob', new Blob([bytes]), `f${i}.txt`);
        const record = await pb.collection('events').create(form);
        files.set(record.id, sha(bytes));
        acked.push(record.id);
      } else {
        acked.push((await pb.collection('events').create({ n: i })).id);
      }
    }
  };
  const writers = Array.from({ length: 4 }, writer);
  while (acked.length < 200) await new Promise((r) => setTimeout(r, 10));

  const ackedBefore = [...acked];
  await pb.backups.create('under_load.tar.gz');
  const ackedWhileBackingUp = acked.length - ackedBefore.length;
  const ackedAfterBackup = acked.length;
  while (acked.length < ackedAfterBackup + 20) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await Promise.all(writers);
  const ackedAfter = acked.slice(ackedAfterBackup);
  assert.ok(ackedWhileBackingUp > 0, 'writes were acknowledged while the backup ran (it did not stop them)');

  // verify: every checksum against the manifest and PRAGMA integrity_check on the copy
  const { manifest } = await server.app.services.backups.verify('under_load.tar.gz');
  assert.equal(manifest.database.format, 'sqlite');
  assert.ok(
    manifest.files.some((f) => f.path.startsWith('storage/')),
    'stored files are in the archive',
  );

  await pb.backups.restore('under_load.tar.gz');
  const deadline = Date.now() + 15_000;
  let ids = new Set<string>();
  while (Date.now() < deadline) {
    try {
      const list = await pb.collection('events').getFullList({ fields: 'id', batch: 1000 });
      ids = new Set(list.map((r) => r.id));
      if (!ids.has(ackedAfter[ackedAfter.length - 1])) break; // the restored data is being served
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing = ackedBefore.filter((id) => !ids.has(id));
  assert.deepEqual(missing, [], `${missing.length} of ${ackedBefore.length} acknowledged writes are missing`);
  assert.ok(
    !ackedAfter.some((id) => ids.has(id)),
    'writes acknowledged after the backup finished are not in it',
  );

  // the restored files match what was uploaded, byte for byte
  let checked = 0;
  for (const [id, digest] of files) {
    if (!ackedBefore.includes(id)) continue;
    const record = await pb.collection('events').getOne(id);
    const response = await fetch(pb.files.getURL(record, record.blob));
    assert.equal(response.status, 200);
    assert.equal(sha(new Uint8Array(await response.arrayBuffer())), digest, `file of ${id}`);
    checked++;
  }
  assert.ok(checked >= 10, `checked ${checked} files`);
  const health = await fetch(`${server.url}/api/health`);
  assert.equal(health.status, 200);
});

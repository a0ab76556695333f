import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import type PocketBase from 'pocketbase';
import * as tar from 'tar';
import { BackupError } from '../../src/backup/index.ts';
import { expectApiError } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let pb: PocketBase;
let backups: string;
const work = mkdtempSync(join(tmpdir(), 'basalt-damaged-'));

before(async () => {
  server = await startServer();
  pb = await server.superuser();
  await pb.collections.create({ name: 'items', type: 'base', fields: [{ name: 'label', type: 'text' }] });
  await pb.collection('items').create({ label: 'x'.repeat(5000) }); // a few pages of data
  for (let i = 0; i < 50; i++) await pb.collection('items').create({ label: `item ${i} ${'y'.repeat(500)}` });
  await pb.backups.create('good.tar.gz');
  backups = join(server.dir, 'backups');
  await pb.collection('items').create({ label: 'after the backup' });
  await makeDamagedCopies();
});
after(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Unpacks good.tar.gz, lets `change` edit the files, packs the result as `name`. */
async function repack(name: string, change: (dir: string) => void): Promise<void> {
  const dir = mkdtempSync(join(work, 'repack-'));
  await tar.extract({ file: join(backups, 'good.tar.gz'), cwd: dir });
  change(dir);
  await tar.create({ file: join(backups, name), cwd: dir, gzip: true }, readdirSync(dir));
}

function patchManifest(dir: string, edit: (m: any) => void): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

function overwrite(path: string, at: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function makeDamagedCopies(): Promise<void> {
  const good = join(backups, 'good.tar.gz');
  const size = statSync(good).size;
  copyFileSync(good, join(backups, 'flipped.tar.gz'));
  overwrite(join(backups, 'flipped.tar.gz'), Math.floor(size / 2), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  writeFileSync(join(backups, 'truncated.tar.gz'), readFileSync(good).subarray(0, Math.floor(size / 2)));
  // a valid archive whose database no longer matches the manifest's checksum
  await repack('tampered.tar.gz', (dir) => overwrite(join(dir, 'data.db'), 5000, Buffer.from('tampered')));
  // a database page overwritten, with the manifest updated to match: only the integrity check can tell
  await repack('bad-db.tar.gz', (dir) => {
    const db = join(dir, 'data.db');
    const pageSize = readFileSync(db).readUInt16BE(16);
    for (let page = 1; page * pageSize < statSync(db).size; page += 2)
      overwrite(db, page * pageSize + 8, Buffer.alloc(64, 0x55));
    patchManifest(dir, (m) => {
      const entry = m.files.find((f: any) => f.path === 'data.db');
      entry.sha256 = digest(db);
    });
  });
  // sound and compatible, but the app cannot open it (its collections table is gone)
  await repack('opens-badly.tar.gz', (dir) => {
    const db = new DatabaseSync(join(dir, 'data.db'));
    db.exec('DROP TABLE "_collections"');
    db.close();
    patchManifest(dir, (m) => {
      const entry = m.files.find((f: any) => f.path === 'data.db');
      entry.sha256 = digest(join(dir, 'data.db'));
      entry.size = statSync(join(dir, 'data.db')).size;
    });
  });
  await repack('newer.tar.gz', (dir) => patchManifest(dir, (m) => (m.basaltVersion = '99.0.0')));
  await repack('future-format.tar.gz', (dir) => patchManifest(dir, (m) => (m.format = 99)));
}

const CASES: Array<[string, string]> = [
  ['flipped.tar.gz', 'backup_corrupt'],
  ['truncated.tar.gz', 'backup_corrupt'],
  ['tampered.tar.gz', 'backup_corrupt'],
  ['bad-db.tar.gz', 'backup_corrupt'],
  ['newer.tar.gz', 'backup_incompatible'],
  ['future-format.tar.gz', 'backup_incompatible'],
];

test('verify passes the good archive and names what is wrong with each damaged one', async (t) => {
  const { manifest } = await server.app.services.backups.verify('good.tar.gz');
  assert.ok(manifest.files.length >= 1);
  for (const [key, code] of CASES) {
    await t.test(key, async () => {
      await assert.rejects(server.app.services.backups.verify(key), (err: unknown) => {
        assert.ok(err instanceof BackupError, String(err));
        assert.equal(err.code, code, err.message);
        return true;
      });
    });
  }
});

test('restore refuses every damaged or foreign archive and leaves the live data as it was', async () => {
  const before = await pb.collection('items').getFullList({ fields: 'id,label' });
  for (const [key] of CASES) {
    const answer = await expectApiError(pb.backups.restore(key), 400);
    assert.match(answer.message, /damaged|cannot be restored/, key);
  }
  const now = await pb.collection('items').getFullList({ fields: 'id,label' });
  assert.deepEqual(now, before, 'the live records are untouched');
  assert.ok(
    now.some((r) => r.label === 'after the backup'),
    'and no restore happened',
  );
  const leftovers = readdirSync(server.dir).filter((name) => name.startsWith('.'));
  assert.deepEqual(leftovers, [], 'no staging folders are left behind');
  await expectApiError(pb.backups.restore('no-such-backup.tar.gz'), 404);
});

test('a restore whose data does not open is rolled back to the previous data', async () => {
  await server.app.services.backups.verify('opens-badly.tar.gz'); // sound as an archive
  const before = await pb.collection('items').getFullList({ fields: 'id,label' });
  assert.equal(await pb.backups.restore('opens-badly.tar.gz'), true);
  // the app restarts, fails to open the restored data, puts the old data back and serves it
  const deadline = Date.now() + 20_000;
  let leftovers: string[] = ['?'];
  while (Date.now() < deadline) {
    leftovers = readdirSync(server.dir).filter((name) => name.startsWith('.'));
    const served = await pb
      .collection('items')
      .getFullList({ fields: 'id,label' })
      .catch(() => null);
    if (served && leftovers.length === 0 && server.app.services.backups.active === null) {
      assert.deepEqual(served, before, 'the previous data is served');
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`the previous data did not come back (left: ${leftovers.join(', ')})`);
});

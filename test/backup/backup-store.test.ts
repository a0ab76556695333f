import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { type BackupStore, openBackupStore } from '../../src/backup/index.ts';
import { startS3rver, type ThirdPartyS3 } from '../helpers/s3rver.ts';

const work = mkdtempSync(join(tmpdir(), 'basalt-backup-store-'));
let s3: ThirdPartyS3;
before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Every store driver, by the URL that opens it. */
const STORES: Array<[string, () => string]> = [
  ['disk', () => join(work, 'disk-store')],
  ['s3 (s3rver)', () => s3.storageUrl('backups')],
];

for (const [name, location] of STORES) {
  describe(`backup store contract: ${name}`, () => {
    let store: BackupStore;
    before(async () => {
      store = await openBackupStore(location());
    });
    after(() => store.close());

    test('an empty store lists nothing and has nothing', async () => {
      assert.deepEqual(await store.list(), []);
      assert.equal(await store.exists('missing.tar.gz'), false);
      assert.equal(await store.get('missing.tar.gz'), null);
      await store.delete('missing.tar.gz'); // idempotent
    });

    test('put → list (newest first) → get → delete', async () => {
      for (const key of ['a.tar.gz', 'b.tar.gz']) {
        const file = join(work, `${name}-${key}`);
        writeFileSync(file, `content of ${key}`);
        await store.put(key, file);
        await new Promise((r) => setTimeout(r, 1100)); // S3 times have one-second resolution
      }
      const list = await store.list();
      assert.deepEqual(
        list.map((b) => b.key),
        ['b.tar.gz', 'a.tar.gz'],
      );
      assert.equal(list[0].size, 'content of b.tar.gz'.length);
      assert.ok(list[0].modified instanceof Date && list[0].modified.getTime() >= list[1].modified.getTime());
      assert.equal(await store.exists('a.tar.gz'), true);
      const got = await store.get('a.tar.gz');
      assert.ok(got);
      assert.equal(await text(got.stream), 'content of a.tar.gz');
      await store.delete('a.tar.gz');
      assert.equal(await store.exists('a.tar.gz'), false);
      assert.deepEqual(
        (await store.list()).map((b) => b.key),
        ['b.tar.gz'],
      );
    });

    test('keys that could leave the store are refused', async () => {
      assert.equal(await store.exists('../outside'), false);
      assert.equal(await store.get('../../etc/passwd'), null);
    });
  });
}

test('an unknown store scheme fails with the known ones', async () => {
  await assert.rejects(openBackupStore('ftp://example.com/backups'), /file:\/\/\/.*s3:\/\//);
});

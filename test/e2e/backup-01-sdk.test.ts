import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type PocketBase from 'pocketbase';
import { startServer, type TestServer } from '../helpers/server.ts';
import { assertProblem, expectApiError } from '../helpers/sdk-fixtures.ts';

let server: TestServer;
let pb: PocketBase;

before(async () => {
  server = await startServer();
  pb = await server.superuser();
  await pb.collections.create({
    name: 'notes',
    type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'attachment', type: 'file', maxSelect: 1, maxSize: 1_000_000 },
    ],
    listRule: '',
    viewRule: '',
  });
});
after(() => server.stop());

const sha = (bytes: ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');

/** Waits until the server answers with the restored data (the restore restarts it in-process). */
async function waitForRestart(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('the server did not come back with the restored data within 15 s');
}

test('pb.backups create → getFullList → download → restore → delete round trip', async () => {
  const content = Buffer.from('the attached file, kept in storage '.repeat(100));
  const form = new FormData();
  form.set('title', 'before the backup');
  form.set('attachment', new Blob([content]), 'kept.txt');
  const kept = await pb.collection('notes').create(form);

  assert.equal(await pb.backups.create('first_backup.tar.gz'), true);
  const list = await pb.backups.getFullList();
  const item = list.find((b) => b.key === 'first_backup.tar.gz');
  assert.ok(item, `listed: ${JSON.stringify(list)}`);
  assert.ok(item.size > 100, 'the archive has content');
  assert.match(item.modified, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);

  // a taken name and a bad name are validation problems, as PocketBase answers them
  assertProblem(
    (await expectApiError(pb.backups.create('first_backup.tar.gz'), 400)).data,
    'name',
    'validation_backup_name_exists',
  );
  assertProblem((await expectApiError(pb.backups.create('../Bad Name.zip'), 400)).data, 'name');

  // download by URL with a file token, as the dashboard does
  const token = await pb.files.getToken();
  const download = await fetch(pb.backups.getDownloadURL(token, 'first_backup.tar.gz'));
  assert.equal(download.status, 200);
  assert.equal((await download.arrayBuffer()).byteLength, item.size);
  assert.equal((await fetch(pb.backups.getDownloadURL('not-a-token', 'first_backup.tar.gz'))).status, 403);

  // changes after the backup: one record edited, one added, the file replaced
  await pb.collection('notes').update(kept.id, { title: 'after the backup' });
  const extra = await pb.collection('notes').create({ title: 'created after the backup' });

  assert.equal(await pb.backups.restore('first_backup.tar.gz'), true);
  await waitForRestart(
    async () => (await pb.collection('notes').getOne(kept.id)).title === 'before the backup',
  );
  const restored = await pb.collection('notes').getOne(kept.id);
  const file = await fetch(pb.files.getURL(restored, restored.attachment));
  assert.equal(file.status, 200);
  assert.equal(
    sha(await file.arrayBuffer()),
    sha(content.buffer.slice(content.byteOffset, content.byteOffset + content.length)),
  );
  await expectApiError(pb.collection('notes').getOne(extra.id), 404);
  // the server is the same one, on the same port, and superuser tokens still work
  assert.ok((await pb.backups.getFullList()).some((b) => b.key === 'first_backup.tar.gz'));

  assert.equal(await pb.backups.delete('first_backup.tar.gz'), true);
  assert.ok(!(await pb.backups.getFullList()).some((b) => b.key === 'first_backup.tar.gz'));
  await expectApiError(pb.backups.delete('first_backup.tar.gz'), 404);
});

test('pb.backups.upload takes an archive back; a non-archive or a taken name is refused', async () => {
  await pb.backups.create('to_upload.tar.gz');
  const token = await pb.files.getToken();
  const bytes = await (await fetch(pb.backups.getDownloadURL(token, 'to_upload.tar.gz'))).arrayBuffer();
  await pb.backups.delete('to_upload.tar.gz');
  await pb.backups.upload({ file: new File([new Uint8Array(bytes)], 'uploaded.tar.gz') });
  const item = (await pb.backups.getFullList()).find((b) => b.key === 'uploaded.tar.gz');
  assert.equal(item?.size, bytes.byteLength);
  await server.app.services.backups.verify('uploaded.tar.gz'); // the uploaded archive is whole
  const taken = await expectApiError(pb.backups.upload({ file: new File([new Uint8Array(bytes)], 'uploaded.tar.gz') }), 400);
  assertProblem(taken.data, 'file', 'validation_backup_name_exists');
  const notGzip = await expectApiError(
    pb.backups.upload({ file: new File(['plain text'], 'notes.tar.gz') }),
    400,
  );
  assertProblem(notGzip.data, 'file');
  assert.ok(!(await pb.backups.getFullList()).some((b) => b.key === 'notes.tar.gz'));
});

test('backups are superuser-only', async () => {
  await expectApiError(server.client().backups.getFullList(), 401);
  await expectApiError(server.client().backups.create('x.zip'), 401);
  await expectApiError(server.client().backups.restore('x.zip'), 401);
});

test('the backups settings take PocketBase’s shape and keep the S3 secret', async () => {
  const settings = await pb.settings.getAll();
  assert.deepEqual(Object.keys(settings.backups).sort(), [
    'cron',
    'cronKeepDaily',
    'cronKeepWeekly',
    'cronMaxKeep',
    's3',
  ]);
  await pb.settings.update({
    backups: {
      cron: '0 3 * * *',
      cronMaxKeep: 5,
      s3: {
        enabled: false,
        bucket: 'b',
        region: 'r',
        endpoint: 'http://127.0.0.1:1',
        accessKey: 'k',
        secret: 'shh',
        forcePathStyle: true,
      },
    },
  });
  const after = await pb.settings.getAll();
  assert.equal(after.backups.cron, '0 3 * * *');
  assert.equal(after.backups.s3.secret, '', 'the secret is never answered');
  assert.equal((server.app.services.settings.get().backups as any).s3.secret, 'shh', 'but it is stored');
  // a partial patch of a nested object keeps its other options, as PocketBase does
  await pb.settings.update({ backups: { s3: { forcePathStyle: false } } });
  const partial = (await pb.settings.getAll()).backups.s3;
  assert.deepEqual(
    [partial.bucket, partial.endpoint, partial.forcePathStyle],
    ['b', 'http://127.0.0.1:1', false],
  );
  assert.equal((server.app.services.settings.get().backups as any).s3.secret, 'shh');
  const bad = await expectApiError(pb.settings.update({ backups: { cron: 'not a cron' } }), 400);
  assertProblem(bad.data, 'backups.cron', 'validation_invalid_cron');
  const noKeep = await expectApiError(
    pb.settings.update({ backups: { cron: '* * * * *', cronMaxKeep: 0 } }),
    400,
  );
  assertProblem(noKeep.data, 'backups.cronMaxKeep');
  await pb.settings.update({ backups: { cron: '' } });
});

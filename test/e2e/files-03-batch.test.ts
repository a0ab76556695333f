/**
 * Files inside `POST /api/batch` through the official SDK: `File`/`Blob` values in
 * create, update and upsert items, `field+`/`field-` on a multi-file field, limits and
 * type checks naming the item and field, and all-or-nothing: a failed batch leaves no
 * file in storage or in the temp folder, and files released by a batch go only after
 * it commits.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type PocketBase from 'pocketbase';
import { assertProblem, createBase, enableBatch, expectApiError } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

// the smallest PNG signature the server's content sniffing recognises
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting: ${what}`);
}

/** Every stored file under a folder, as paths relative to it (thumbs included). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('SDK: files in batch requests', () => {
  let server: TestServer;
  let pb: PocketBase;
  let docs: any;
  let spoolDir: string;
  let previousTmp: string | undefined;
  const collectionDir = () => join(server.dir, 'storage', docs.id);
  const fileText = async (record: any, name: string) => (await fetch(pb.files.getURL(record, name))).text();

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    docs = await createBase(pb, 'bdocs', [
      { name: 'title', type: 'text', required: true },
      { name: 'cover', type: 'file', maxSelect: 1, maxSize: 1000 },
      { name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1 << 20 },
      { name: 'image', type: 'file', mimeTypes: ['image/png'] },
    ]);
    await enableBatch(pb, 10);
    // batch file parts wait in the OS temp folder; a folder of our own shows what is left there
    previousTmp = process.env.TMPDIR;
    spoolDir = mkdtempSync(join(tmpdir(), 'basalt-batch-spool-'));
    process.env.TMPDIR = spoolDir;
  });
  after(async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    rmSync(spoolDir, { recursive: true, force: true });
    await server.stop();
  });

  test('File and Blob values in create, update and upsert items land on their own records', async () => {
    const existing = await pb.collection(docs.name).create({ title: 'existing' });
    const batch = pb.createBatch();
    batch.collection(docs.name).create({
      title: 'created',
      cover: new File(['cover bytes'], 'Cover.txt'),
      attachments: [new Blob(['blob one']), new File(['file two'], 'two.txt')],
    });
    batch.collection(docs.name).update(existing.id, { image: new File([PNG], 'pixel.png') });
    batch.collection(docs.name).upsert({
      id: 'batchupsert0001',
      title: 'upserted',
      attachments: [new File(['up'], 'up.txt')],
    });
    const [created, updated, upserted] = (await batch.send()).map((r) => r.body);

    assert.match(created.cover, /^cover_[a-z0-9]{10}\.txt$/);
    assert.equal(created.attachments.length, 2);
    assert.equal(await fileText(created, created.cover), 'cover bytes');
    assert.equal(await fileText(created, created.attachments[0]), 'blob one');
    assert.equal(await fileText(created, created.attachments[1]), 'file two');
    assert.match(updated.image, /^pixel_[a-z0-9]{10}\.png$/);
    assert.equal(updated.title, 'existing');
    assert.equal(upserted.id, 'batchupsert0001');
    assert.equal(await fileText(upserted, upserted.attachments[0]), 'up');

    assert.deepEqual(
      filesUnder(collectionDir()),
      [
        ...[created.cover, ...created.attachments].map((n) => `${created.id}/${n}`),
        `${existing.id}/${updated.image}`,
        `${upserted.id}/${upserted.attachments[0]}`,
      ].sort(),
    );
    assert.deepEqual(readdirSync(spoolDir), [], 'temp files are gone');
  });

  test('field+ and field- on a multi-file field; a dropped file goes after commit', async () => {
    const record = await pb.collection(docs.name).create({
      title: 'multi',
      attachments: [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')],
    });
    const [a, b] = record.attachments;
    const batch = pb.createBatch();
    batch.collection(docs.name).update(record.id, {
      'attachments+': new File(['c'], 'third.txt'),
      'attachments-': [a],
    });
    const [first] = await batch.send();
    assert.equal(first.body.attachments.length, 2);
    assert.equal(first.body.attachments[0], b);
    assert.match(first.body.attachments[1], /^third_[a-z0-9]{10}\.txt$/);
    await eventually(
      () => !existsSync(join(collectionDir(), record.id, a)),
      'the removed file is deleted from storage',
    );

    // a list mixing kept names and new files: the SDK sends the files as `attachments+`
    const mixed = pb.createBatch();
    mixed.collection(docs.name).update(record.id, { attachments: [b, new File(['d'], 'd.txt')] });
    const [second] = await mixed.send();
    assert.equal(second.body.attachments.length, 2);
    assert.equal(second.body.attachments[0], b);
    assert.equal(await fileText(second.body, second.body.attachments[1]), 'd');
    const dropped = first.body.attachments[1];
    await eventually(() => !existsSync(join(collectionDir(), record.id, dropped)), 'third.txt is deleted');
  });

  test('a failing item rolls everything back and leaves no file on disk', async () => {
    const keep = await pb
      .collection(docs.name)
      .create({ title: 'keep', cover: new File(['old'], 'old.txt') });
    const doomed = await pb.collection(docs.name).create({ title: 'doomed' });
    const stored = filesUnder(collectionDir());
    const count = (await pb.collection(docs.name).getList(1, 1)).totalItems;

    const batch = pb.createBatch();
    batch.collection(docs.name).create({ title: 'never', attachments: [new File(['n'], 'n.txt')] });
    batch.collection(docs.name).update(keep.id, { cover: new File(['new'], 'new.txt') });
    batch.collection(docs.name).delete(doomed.id);
    batch.collection(docs.name).create({ cover: new File(['x'], 'x.txt') }); // no title: required
    const err = await expectApiError(batch.send(), 400);
    assert.equal(err.message, 'Batch transaction failed.');
    assert.equal(err.data.requests[3].code, 'batch_request_failed');
    assertProblem(err.data.requests[3].response.data, 'title', 'validation_required');

    assert.equal((await pb.collection(docs.name).getList(1, 1)).totalItems, count);
    const kept = await pb.collection(docs.name).getOne(keep.id);
    assert.equal(await fileText(kept, kept.cover), 'old');
    await pb.collection(docs.name).getOne(doomed.id);
    assert.deepEqual(filesUnder(collectionDir()), stored, 'no new file stays, no old file went');
    assert.deepEqual(readdirSync(spoolDir), []);
  });

  test('a file of the wrong type is a 400 naming the item and the field', async () => {
    const stored = filesUnder(collectionDir());
    const batch = pb.createBatch();
    batch.collection(docs.name).create({ title: 'ok', image: new File([PNG], 'fine.png') });
    // the client claims PNG; the content says otherwise
    batch.collection(docs.name).create({
      title: 'bad',
      image: new File(['plain text'], 'fake.png', { type: 'image/png' }),
    });
    const err = await expectApiError(batch.send(), 400);
    assert.equal(err.data.requests[1].code, 'batch_request_failed');
    assert.equal(err.data.requests[1].response.status, 400);
    assertProblem(err.data.requests[1].response.data, 'image', 'validation_invalid_mime_type');
    assert.equal(err.data.requests[0], undefined);
    assert.deepEqual(filesUnder(collectionDir()), stored);
  });

  test("a file over its field's maxSize, or too many files, name the item and field", async () => {
    const stored = filesUnder(collectionDir());
    const big = pb.createBatch();
    big.collection(docs.name).create({ title: 'small' });
    big.collection(docs.name).create({ title: 'big', cover: new File([Buffer.alloc(1001)], 'big.bin') });
    const tooBig = await expectApiError(big.send(), 400);
    assertProblem(tooBig.data.requests[1].response.data, 'cover', 'validation_file_size_limit');

    const many = pb.createBatch();
    const files = ['1', '2', '3', '4'].map((n) => new File([n], `${n}.txt`));
    many.collection(docs.name).create({ title: 'many', attachments: files });
    const tooMany = await expectApiError(many.send(), 400);
    assertProblem(tooMany.data.requests[0].response.data, 'attachments', 'validation_too_many_files');
    assert.deepEqual(filesUnder(collectionDir()), stored);
    assert.deepEqual(readdirSync(spoolDir), []);
  });

  test('files under requests[N].field, as PocketBase also reads them', async () => {
    const form = new FormData();
    form.append('requests[0].cover', new File(['bracket'], 'bracket.txt'));
    form.append(
      '@jsonPayload',
      JSON.stringify({
        requests: [{ method: 'POST', url: `/api/collections/${docs.name}/records`, body: { title: 'br' } }],
      }),
    );
    const [result] = await pb.send('/api/batch', { method: 'POST', body: form });
    assert.equal(await fileText(result.body, result.body.cover), 'bracket');
  });

  test('batch.maxBodySize caps a body with files (413), nothing stored', async () => {
    const stored = filesUnder(collectionDir());
    await pb.settings.update({ batch: { maxBodySize: 4096 } });
    try {
      const batch = pb.createBatch();
      batch.collection(docs.name).create({
        title: 'huge',
        attachments: [new File([Buffer.alloc(5000, 1)], 'huge.bin')],
      });
      await expectApiError(batch.send(), 413);
      // without a declared length the limit holds while the files stream
      const form = new FormData();
      form.append('requests.0.attachments', new File([Buffer.alloc(5000, 1)], 'huge.bin'));
      form.append('@jsonPayload', JSON.stringify({ requests: [] }));
      const body = new Response(form);
      const streamed = await fetch(`${server.url}/api/batch`, {
        method: 'POST',
        headers: {
          authorization: pb.authStore.token,
          'content-type': body.headers.get('content-type') as string,
        },
        body: body.body,
        duplex: 'half',
      } as RequestInit);
      assert.equal(streamed.status, 413);
      assert.equal(((await streamed.json()) as { status: number }).status, 413);
    } finally {
      await pb.settings.update({ batch: { maxBodySize: 0 } });
    }
    assert.deepEqual(filesUnder(collectionDir()), stored);
    assert.deepEqual(readdirSync(spoolDir), []);
  });

  test("a batch delete removes the record's files only after the commit", async () => {
    const a = await pb.collection(docs.name).create({ title: 'del a', cover: new File(['a'], 'a.txt') });
    const b = await pb.collection(docs.name).create({ title: 'del b', cover: new File(['b'], 'b.txt') });
    const failing = pb.createBatch();
    failing.collection(docs.name).delete(a.id);
    failing.collection(docs.name).delete('missing00000000');
    await expectApiError(failing.send(), 400);
    await sleep(100);
    assert.ok(existsSync(join(collectionDir(), a.id, a.cover)), 'a rolled-back delete keeps the file');

    const ok = pb.createBatch();
    ok.collection(docs.name).delete(a.id);
    ok.collection(docs.name).update(b.id, { cover: null });
    await ok.send();
    await eventually(
      () => !existsSync(join(collectionDir(), a.id)) && !existsSync(join(collectionDir(), b.id, b.cover)),
      'the deleted and the cleared files are removed',
    );
  });
});

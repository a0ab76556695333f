/**
 * File fields through the official SDK: uploads (FormData, File, Blob), single and
 * multiple, append/remove/replace, limits, type checks by content, serving with
 * thumbnails, ranges and conditional GET, safe headers, protected files with tokens,
 * and file removal after commit.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type PocketBase from 'pocketbase';
import sharp from 'sharp';
import { assertProblem, createBase, expectApiError, uniqueName } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();

/** Polls until `check` holds (file removal runs after commit, off the request). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting: ${what}`);
}

describe('SDK: file fields', () => {
  let server: TestServer;
  let pb: PocketBase;
  let docs: any;
  let red: Buffer;
  const storageDir = () => join(server.dir, 'storage');
  const recordDir = (record: any) => join(storageDir(), record.collectionId, record.id);

  before(async () => {
    server = await startServer();
    pb = await server.superuser();
    red = await png(300, 200);
    docs = await createBase(pb, 'docs', [
      { name: 'title', type: 'text' },
      {
        name: 'cover',
        type: 'file',
        maxSelect: 1,
        maxSize: 1 << 20,
        thumbs: ['50x50t', '0x40', '60x0', '80x80f'],
      },
      { name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1 << 20 },
      { name: 'image', type: 'file', mimeTypes: ['image/png', 'image/jpeg'] },
    ]);
  });
  after(() => server.stop());

  test('uploads a File and a Blob; the record names them and the bytes come back', async () => {
    const record = await pb.collection(docs.name).create({
      title: 'a',
      cover: new File([red], 'Cover Photo.PNG', { type: 'image/png' }),
      attachments: [new Blob(['hello']), new File(['second'], 'notes.txt')],
    });
    assert.match(record.cover, /^cover_photo_[a-z0-9]{10}\.PNG$/);
    assert.equal(record.attachments.length, 2);
    const body = Buffer.from(await (await fetch(pb.files.getURL(record, record.cover))).arrayBuffer());
    assert.deepEqual(body, red);
    const note = await fetch(pb.files.getURL(record, record.attachments[1]));
    assert.equal(await note.text(), 'second');
    assert.equal(note.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.deepEqual(readdirSync(recordDir(record)).sort(), [record.cover, ...record.attachments].sort());
  });

  test('uploads through FormData with a custom id', async () => {
    const folders = () => readdirSync(join(storageDir(), docs.id)).length;
    const before = folders();
    const form = new FormData();
    form.append('id', 'customid1234567');
    form.append('attachments', new File(['x1'], 'one.txt'));
    form.append('attachments', new File(['x2'], 'two.txt'));
    const record = await pb.collection(docs.name).create(form);
    assert.equal(record.id, 'customid1234567');
    assert.equal(record.attachments.length, 2);
    assert.equal(await (await fetch(pb.files.getURL(record, record.attachments[0]))).text(), 'x1');
    // only the record's own folder holds its files (the reserved copies are gone)
    await eventually(() => folders() === before + 1, "one new folder, the record's");
    assert.ok(existsSync(recordDir(record)));
  });

  test('append with field+, remove with field-, replace; dropped files are removed after commit', async () => {
    const c = pb.collection(docs.name);
    let record = await c.create({ attachments: [new File(['a'], 'a.txt')] });
    const first = record.attachments[0];
    record = await c.update(record.id, {
      'attachments+': [new File(['b'], 'b.txt'), new File(['c'], 'c.txt')],
    });
    assert.equal(record.attachments.length, 3);
    assert.equal(record.attachments[0], first);
    const err = await expectApiError(c.update(record.id, { 'attachments+': new File(['d'], 'd.txt') }), 400);
    assertProblem(err.data, 'attachments', 'validation_too_many_files');
    assert.equal(readdirSync(recordDir(record)).length, 3, 'the refused upload left nothing');
    record = await c.update(record.id, { 'attachments-': [first] });
    assert.equal(record.attachments.length, 2);
    await eventually(() => !existsSync(join(recordDir(record), first)), 'removed file deleted');
    const kept = record.attachments;
    record = await c.update(record.id, { attachments: [new File(['z'], 'z.txt')] });
    assert.equal(record.attachments.length, 1);
    await eventually(
      () => kept.every((n: string) => !existsSync(join(recordDir(record), n))),
      'replaced files deleted',
    );
    await c.delete(record.id);
    await eventually(() => !existsSync(recordDir(record)), 'record folder deleted');
  });

  test('maxSize is enforced while streaming (400 naming the field)', async () => {
    const big = new File([Buffer.alloc((1 << 20) + 10, 1)], 'big.bin');
    const err = await expectApiError(pb.collection(docs.name).create({ attachments: [big] }), 400);
    assertProblem(err.data, 'attachments', 'validation_file_size_limit');
    assert.equal(existsSync(join(storageDir(), docs.id, 'x')), false);
  });

  test('mimeTypes are checked against the content, not the client claim', async () => {
    const liar = new File(['<html><script>alert(1)</script></html>'], 'photo.png', { type: 'image/png' });
    const err = await expectApiError(pb.collection(docs.name).create({ image: liar }), 400);
    assertProblem(err.data, 'image', 'validation_invalid_mime_type');
    const ok = await pb
      .collection(docs.name)
      .create({ image: new File([red], 'x.bin', { type: 'text/plain' }) });
    assert.match(ok.image, /^x[a-z0-9]{10}_[a-z0-9]{10}\.bin$/);
  });

  test('names that try to escape are cleaned into safe names', async () => {
    const record = await pb.collection(docs.name).create({
      attachments: [
        new File(['e'], '../../etc/passwd'),
        new File(['f'], '..\\..\\win.ini'),
        new File(['g'], '\uFF0E\uFF0E\uFF0Fx.txt'),
      ],
    });
    for (const name of record.attachments) assert.match(name, /^[a-z0-9_]+_[a-z0-9]{10}(\.[\w]+)?$/, name);
    assert.equal(readdirSync(recordDir(record)).length, 3);
  });

  test('thumbnails: offered sizes are made once and cached; others serve the original', async () => {
    const record = await pb.collection(docs.name).create({ cover: new File([red], 'red.png') });
    const sizes: Record<string, [number, number]> = {
      '100x100': [100, 100],
      '50x50t': [50, 50],
      '0x40': [60, 40],
      '60x0': [60, 40],
      '80x80f': [80, 53],
    };
    for (const [thumb, [w, h]] of Object.entries(sizes)) {
      const res = await fetch(pb.files.getURL(record, record.cover, { thumb }));
      assert.equal(res.status, 200, thumb);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [w, h], thumb);
    }
    const thumbs = join(recordDir(record), `thumbs_${record.cover}`);
    assert.equal(readdirSync(thumbs).length, 5);
    const again = await fetch(pb.files.getURL(record, record.cover, { thumb: '100x100' }));
    const first = await fetch(pb.files.getURL(record, record.cover, { thumb: '100x100' }));
    assert.equal(again.headers.get('etag'), first.headers.get('etag'), 'the cached thumb is served');
    const notOffered = await fetch(pb.files.getURL(record, record.cover, { thumb: '33x33' }));
    assert.equal((await sharp(Buffer.from(await notOffered.arrayBuffer())).metadata()).width, 300);
  });

  test('ranges, ETag/Last-Modified conditional GET, download and safe headers', async () => {
    const record = await pb.collection(docs.name).create({
      attachments: [
        new File(['0123456789'], 'digits.txt'),
        new File(['<html><body>hi</body></html>'], 'page.html'),
        new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], 'x.svg'),
      ],
    });
    const url = pb.files.getURL(record, record.attachments[0]);
    const part = await fetch(url, { headers: { range: 'bytes=2-5' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), '2345');
    assert.equal(part.headers.get('content-range'), 'bytes 2-5/10');
    const tail = await fetch(url, { headers: { range: 'bytes=-3' } });
    assert.equal(await tail.text(), '789');
    const bad = await fetch(url, { headers: { range: 'bytes=50-60' } });
    assert.equal(bad.status, 416);
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '10', 'HEAD tells the real length');
    const full = await fetch(url);
    const etag = full.headers.get('etag')!;
    assert.ok(etag);
    assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);
    const since = full.headers.get('last-modified')!;
    assert.equal((await fetch(url, { headers: { 'if-modified-since': since } })).status, 304);
    assert.match(full.headers.get('content-disposition')!, /^inline/);
    assert.equal(full.headers.get('x-content-type-options'), 'nosniff');
    assert.match(full.headers.get('content-security-policy')!, /sandbox/);
    const download = await fetch(pb.files.getURL(record, record.attachments[0], { download: true }));
    assert.match(download.headers.get('content-disposition')!, /^attachment/);
    for (const name of record.attachments.slice(1)) {
      const risky = await fetch(pb.files.getURL(record, name));
      assert.match(risky.headers.get('content-disposition')!, /^attachment/, name);
      assert.match(risky.headers.get('content-security-policy')!, /sandbox/);
    }
    assert.equal((await fetch(pb.files.getURL(record, 'missing.txt'))).status, 404);
    assert.equal(
      (await fetch(`${server.url}/api/files/${docs.name}/${record.id}/..%2F..%2Fdata.db`)).status,
      404,
    );
  });

  test('protected files need a file token from someone the view rule admits', async () => {
    const users = await pb.collections.create({
      name: uniqueName('users'),
      type: 'auth',
      fields: [],
      passwordAuth: { enabled: true, identityFields: ['email'] },
    });
    const secret = await pb.collections.create({
      name: uniqueName('secret'),
      type: 'base',
      fields: [
        { name: 'owner', type: 'text' },
        { name: 'doc', type: 'file', protected: true },
      ],
      viewRule: 'owner = @request.auth.id',
      listRule: 'owner = @request.auth.id',
    });
    const make = (email: string) =>
      pb.collection(users.name).create({ email, password: 'pass12345678', passwordConfirm: 'pass12345678' });
    const alice = await make(`alice_${process.pid}@example.com`);
    await make(`bob_${process.pid}@example.com`);
    const record = await pb
      .collection(secret.name)
      .create({ owner: alice.id, doc: new File(['top secret'], 's.txt') });
    const url = pb.files.getURL(record, record.doc);
    assert.equal((await fetch(url)).status, 404, 'no token');
    const signIn = async (email: string) => {
      const client = server.client();
      await client.collection(users.name).authWithPassword(email, 'pass12345678');
      return client;
    };
    const aliceClient = await signIn(`alice_${process.pid}@example.com`);
    const token = await aliceClient.files.getToken();
    const ok = await fetch(aliceClient.files.getURL(record, record.doc, { token }));
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'top secret');
    const bobToken = await (await signIn(`bob_${process.pid}@example.com`)).files.getToken();
    assert.equal(
      (await fetch(pb.files.getURL(record, record.doc, { token: bobToken }))).status,
      404,
      'rule refuses bob',
    );
    assert.equal(
      (await fetch(pb.files.getURL(record, record.doc, { token: `${token}x` }))).status,
      404,
      'forged token',
    );
    const authToken = aliceClient.authStore.token;
    assert.equal(
      (await fetch(pb.files.getURL(record, record.doc, { token: authToken }))).status,
      404,
      'an auth token is not a file token',
    );
    const superToken = await pb.files.getToken();
    assert.equal(
      (await fetch(pb.files.getURL(record, record.doc, { token: superToken }))).status,
      200,
      'superusers pass',
    );
    await expectApiError(server.client().files.getToken(), 401);
  });
});

/**
 * Storage operations: the `s3` settings section and `pb.settings.testS3()` (against
 * s3rver, an S3 we did not write), usage per collection and bucket, the orphan sweep,
 * file fields kept on an S3 storage driver, and bad input on uploads (oversize body,
 * a connection cut mid-upload).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type PocketBase from 'pocketbase';
import { eventually } from '../helpers/realtime.ts';
import { createBase, expectApiError } from '../helpers/sdk-fixtures.ts';
import { startS3rver, type ThirdPartyS3 } from '../helpers/s3rver.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('storage operations', () => {
  let server: TestServer;
  let pb: PocketBase;
  let s3: ThirdPartyS3;
  let docs: any;

  before(async () => {
    s3 = await startS3rver();
    server = await startServer({ bodyLimit: 2 << 20 });
    pb = await server.superuser();
    docs = await createBase(pb, 'opsdocs', [
      { name: 'files', type: 'file', maxSelect: 5, maxSize: 50 << 20 },
    ]);
  });
  after(async () => {
    await server.stop();
    await s3.stop();
  });

  test('settings s3 section: PocketBase shape, secret hidden, validation, testS3', async () => {
    const initial = await pb.settings.getAll();
    assert.deepEqual(
      Object.keys(initial.s3).sort(),
      ['accessKey', 'bucket', 'enabled', 'endpoint', 'forcePathStyle', 'region', 'secret'].sort(),
    );
    await expectApiError(pb.settings.update({ s3: { enabled: true } }), 400);
    await expectApiError(pb.settings.testS3('storage'), 400);
    await pb.settings.update({
      s3: {
        enabled: true,
        bucket: 'test',
        region: 'us-east-1',
        endpoint: s3.endpoint,
        accessKey: 'S3RVER',
        secret: 'S3RVER',
        forcePathStyle: true,
      },
    });
    const saved = await pb.settings.getAll();
    assert.notEqual(saved.s3.secret, 'S3RVER', 'the secret is not answered in clear');
    assert.equal(await pb.settings.testS3('storage'), true);
    await pb.settings.update({ s3: { bucket: 'no-such-bucket' } });
    const err = await expectApiError(pb.settings.testS3('storage'), 400);
    assert.match(err.message, /S3/);
  });

  test('usage per collection and per bucket; the orphan sweep', async () => {
    const record = await pb
      .collection(docs.name)
      .create({ files: [new File(['12345'], 'a.txt'), new File(['123'], 'b.txt')] });
    const usage = await pb.send('/api/basalt/storage/usage', {});
    const mine = usage.collections.find((c: any) => c.collection === docs.name);
    assert.deepEqual([mine.bytes, mine.objects], [8, 2]);
    assert.ok(Array.isArray(usage.buckets));
    // a file no record names (as a crash between commit and cleanup would leave)
    const folder = join(server.dir, 'storage', docs.id, record.id);
    writeFileSync(join(folder, 'stray_0123456789.txt'), 'stray');
    mkdirSync(join(server.dir, 'storage', 'gone_collection', 'r1'), { recursive: true });
    writeFileSync(join(server.dir, 'storage', 'gone_collection', 'r1', 'x.txt'), 'x');
    const dry = await pb.send('/api/basalt/storage/orphans', {
      method: 'POST',
      body: { dryRun: true, minAgeSeconds: 0 },
    });
    assert.deepEqual(
      dry.orphans.sort(),
      [`${docs.id}/${record.id}/stray_0123456789.txt`, 'gone_collection/r1/x.txt'].sort(),
    );
    assert.ok(existsSync(join(folder, 'stray_0123456789.txt')), 'a dry run removes nothing');
    const young = await pb.send('/api/basalt/storage/orphans', { method: 'POST', body: {} });
    assert.equal(young.orphans.length, 0, 'files younger than an hour are left alone');
    const swept = await pb.send('/api/basalt/storage/orphans', {
      method: 'POST',
      body: { minAgeSeconds: 0 },
    });
    assert.equal(swept.orphans.length, 2);
    assert.equal(existsSync(join(folder, 'stray_0123456789.txt')), false);
    assert.deepEqual(readdirSync(folder).sort(), [...record.files].sort(), 'owned files stay');
    await expectApiError(server.client().send('/api/basalt/storage/usage', {}), 401);
  });

  test('deleting a collection removes its files after the commit', async () => {
    const gone = await createBase(pb, 'opsgone', [{ name: 'f', type: 'file' }]);
    await pb.collection(gone.name).create({ f: new File(['bye'], 'bye.txt') });
    const folder = join(server.dir, 'storage', gone.id);
    assert.ok(existsSync(folder));
    await pb.collections.delete(gone.id);
    for (let i = 0; i < 50 && existsSync(folder); i++) await sleep(20);
    assert.equal(existsSync(folder), false);
  });

  test('a body over the limit is refused with 413 before it is read', async () => {
    // body limit 2 MiB + one file of at most 1 MiB: a 4 MiB body is over what the collection allows
    const small = await createBase(pb, 'opssmall', [{ name: 'f', type: 'file', maxSize: 1 << 20 }]);
    const big = new File([Buffer.alloc(4 << 20, 7)], 'big.bin');
    await expectApiError(pb.collection(small.name).create({ f: big }), 413);
    assert.equal(
      existsSync(join(server.dir, 'storage', small.id)),
      false,
      'nothing of the refused upload is kept',
    );
  });

  test('a connection cut mid-upload leaves no object and no temp file', async () => {
    const before = readdirSync(join(server.dir, 'storage', docs.id)).length;
    const url = new URL(`${server.url}/api/collections/${docs.name}/records`);
    const boundary = 'basaltboundary';
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        authorization: pb.authStore.token,
        'content-length': String(1 << 20),
      },
    });
    req.on('error', () => {});
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    req.write(Buffer.alloc(256 << 10, 1));
    await sleep(200);
    req.destroy();
    // the server sees the cut and cleans up on its own time; a loaded machine takes longer
    const tempDir = join(server.dir, 'storage.basalt-tmp');
    await eventually(() => readdirSync(tempDir).length === 0, 'the cut upload to remove its temp file');
    assert.equal(
      readdirSync(join(server.dir, 'storage', docs.id)).length,
      before,
      'no record folder appeared',
    );
    assert.deepEqual(readdirSync(tempDir), [], 'temp files cleaned');
  });
});

describe('file fields on the S3 storage driver (s3rver)', () => {
  let s3: ThirdPartyS3;
  let server: TestServer;
  before(async () => {
    s3 = await startS3rver();
    server = await startServer({ storageUrl: s3.storageUrl('basalt') });
  });
  after(async () => {
    await server.stop();
    await s3.stop();
  });

  test('upload, serve with a thumbnail and a range, delete', async () => {
    const pb = await server.superuser();
    const col = await createBase(pb, 's3docs', [{ name: 'f', type: 'file', maxSelect: 2 }]);
    const sharp = (await import('sharp')).default;
    const png = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const record = await pb
      .collection(col.name)
      .create({ f: [new File([png], 'pic.png'), new File(['0123456789'], 'n.txt')] });
    const thumb = await fetch(pb.files.getURL(record, record.f[0], { thumb: '100x100' }));
    assert.equal(thumb.status, 200);
    assert.equal((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width, 100);
    const part = await fetch(pb.files.getURL(record, record.f[1]), { headers: { range: 'bytes=3-4' } });
    assert.equal(await part.text(), '34');
    const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const list = async () =>
      (await client.send(new ListObjectsV2Command({ Bucket: 'test', Prefix: `basalt/${col.id}/` })))
        .Contents ?? [];
    assert.equal((await list()).length, 3, 'two files and one thumbnail in the bucket');
    await pb.collection(col.name).delete(record.id);
    for (let i = 0; i < 50 && (await list()).length; i++) await sleep(20);
    assert.equal((await list()).length, 0, 'removed after the delete committed');
    client.destroy();
  });
});

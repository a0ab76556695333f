/**
 * Stored files follow the database's sync profile (`dbSync`). Under both profiles record
 * files and S3 objects (single PUTs, copies, multipart) are stored, served and removed
 * alike, a refused upload keeps nothing and no temp file is left. Under `full` the disk
 * driver flushes file data and folders before it answers; under `normal` it never does.
 *
 * The flushes are counted by wrapping Node's fsync calls in this process (the server
 * runs in it), before the disk driver loads: it binds them when its module is evaluated,
 * which happens when the first server opens its storage.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs, { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type PocketBase from 'pocketbase';
import { createBase } from '../helpers/sdk-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** Paths of every file or folder flushed through Node in this process, in call order. */
const flushed: string[] = [];
const pathOf = (fd: number) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return `fd ${fd}`;
  }
};
for (const name of ['fsync', 'fdatasync'] as const) {
  const original = fs[name];
  (fs as any)[name] = (fd: number, callback: (error: Error | null) => void) => {
    flushed.push(pathOf(fd));
    return original(fd, callback);
  };
}
{
  // flushes by path (fsyncPath) go through a FileHandle
  const handle = await open(import.meta.filename, 'r');
  const proto = Object.getPrototypeOf(handle) as { sync(): Promise<void>; fd: number };
  await handle.close();
  const sync = proto.sync;
  proto.sync = function (this: { fd: number }) {
    flushed.push(pathOf(this.fd));
    return sync.call(this);
  };
}
syncBuiltinESMExports();

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** `size` bytes that differ from one call to the next. */
function bytes(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data.writeUInt32LE((seed * 2654435761 + i) >>> 0, i);
  return data;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting: ${what}`);
}

async function download(url: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

for (const sync of ['normal', 'full'] as const) {
  describe(`stored files under dbSync ${sync}`, () => {
    let server: TestServer;
    let pb: PocketBase;
    let s3: S3Client;
    let docs: any;
    /** flushes of this server's storage (files or folders), counted from the first upload */
    let storageFlushes: () => string[];
    const storage = () => join(server.dir, 'storage');
    const tempFiles = () => readdirSync(`${storage()}.basalt-tmp`);

    before(async () => {
      server = await startServer({ dbSync: sync });
      pb = await server.superuser();
      docs = await createBase(pb, `synced_${sync}`, [
        { name: 'files', type: 'file', maxSelect: 3, maxSize: 20 << 20 },
      ]);
      const key = await pb.send('/api/basalt/s3/keys', { method: 'POST', body: { name: `k-${sync}` } });
      s3 = new S3Client({
        endpoint: `${server.url}/s3`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: key,
      });
      await s3.send(new CreateBucketCommand({ Bucket: 'synced' }));
      const from = flushed.length;
      storageFlushes = () => flushed.slice(from).filter((path) => path.startsWith(storage()));
    });
    after(async () => {
      s3?.destroy();
      await server.stop();
    });

    test('record files: stored, served whole, removed with the field and the record', async () => {
      // larger than the background flush step (8 MB) of the full profile, and a small one
      const big = bytes(9 << 20, 1);
      const small = bytes(5000, 2);
      const record = await pb
        .collection(docs.name)
        .create({ files: [new File([big], 'big.bin'), new File([small], 'small.bin')] });
      assert.equal(record.files.length, 2);
      const url = (name: string) => `${server.url}/api/files/${record.collectionId}/${record.id}/${name}`;
      const [gotBig, gotSmall] = await Promise.all(record.files.map((name: string) => download(url(name))));
      assert.equal(gotBig.status, 200);
      assert.equal(md5(gotBig.body), md5(big));
      assert.ok(gotSmall.body.equals(small));

      const folder = join(storage(), record.collectionId, record.id);
      const updated = await pb.collection(docs.name).update(record.id, { 'files-': [record.files[0]] });
      assert.deepEqual(updated.files, [record.files[1]]);
      await eventually(() => !existsSync(join(folder, record.files[0])), 'the dropped file is removed');
      assert.equal((await download(url(record.files[0]))).status, 404);
      assert.ok((await download(url(record.files[1]))).body.equals(small));

      await pb.collection(docs.name).delete(record.id);
      await eventually(() => !existsSync(folder), "the record's folder is removed");
      assert.deepEqual(tempFiles(), []);
    });

    test('an upload over maxSize is refused and leaves nothing behind', async () => {
      const limited = await createBase(pb, `limited_${sync}`, [{ name: 'f', type: 'file', maxSize: 1000 }]);
      await assert.rejects(pb.collection(limited.name).create({ f: new File([bytes(5000, 3)], 'x.bin') }), {
        status: 400,
      });
      assert.equal(existsSync(join(storage(), limited.id)), false);
      assert.deepEqual(tempFiles(), []);
    });

    test('S3: put with Content-MD5, get, copy, multipart, delete; a bad digest stores nothing', async () => {
      const data = bytes(3 << 20, 4);
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'synced',
          Key: 'a/one.bin',
          Body: data,
          ContentMD5: createHash('md5').update(data).digest('base64'),
        }),
      );
      assert.equal(put.ETag, `"${md5(data)}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'synced', Key: 'a/one.bin' }));
      assert.equal(md5(Buffer.from(await got.Body!.transformToByteArray())), md5(data));

      await s3.send(
        new CopyObjectCommand({ Bucket: 'synced', Key: 'a/copy.bin', CopySource: 'synced/a/one.bin' }),
      );
      const copy = await s3.send(new GetObjectCommand({ Bucket: 'synced', Key: 'a/copy.bin' }));
      assert.equal(md5(Buffer.from(await copy.Body!.transformToByteArray())), md5(data));

      const parts = [bytes(5 << 20, 5), bytes(1000, 6)];
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: 'synced', Key: 'a/multi.bin' }),
      );
      const etags: string[] = [];
      for (const [i, part] of parts.entries()) {
        const answer = await s3.send(
          new UploadPartCommand({
            Bucket: 'synced',
            Key: 'a/multi.bin',
            UploadId,
            PartNumber: i + 1,
            Body: part,
          }),
        );
        etags.push(answer.ETag!);
      }
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'synced',
          Key: 'a/multi.bin',
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      const joined = await s3.send(new GetObjectCommand({ Bucket: 'synced', Key: 'a/multi.bin' }));
      assert.equal(md5(Buffer.from(await joined.Body!.transformToByteArray())), md5(Buffer.concat(parts)));

      await assert.rejects(
        s3.send(
          new PutObjectCommand({
            Bucket: 'synced',
            Key: 'a/bad.bin',
            Body: data,
            ContentMD5: createHash('md5').update('something else').digest('base64'),
          }),
        ),
        { name: 'BadDigest' },
      );
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'synced', Key: 'a/bad.bin' })), {
        name: 'NoSuchKey',
      });

      for (const key of ['a/one.bin', 'a/copy.bin', 'a/multi.bin']) {
        await s3.send(new DeleteObjectCommand({ Bucket: 'synced', Key: key }));
        await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'synced', Key: key })), {
          name: 'NoSuchKey',
        });
      }
      // every blob is gone: the objects', the parts' and the refused one's
      const blobs = join(storage(), '_s3');
      const left = existsSync(blobs) ? readdirSync(blobs, { recursive: true }) : [];
      assert.deepEqual(
        left.filter((name) => statSync(join(blobs, String(name))).isFile()),
        [],
      );
      assert.deepEqual(tempFiles(), []);
    });

    test(`the disk driver ${sync === 'full' ? 'flushes files and folders' : 'never flushes'} (${sync})`, () => {
      const flushes = storageFlushes();
      if (sync === 'normal') {
        assert.deepEqual(flushes, [], 'the normal profile flushes nothing');
        return;
      }
      const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();
      // 2 record files, 1 S3 object, 1 copy, 2 parts, 1 joined object, the refused one
      assert.ok(
        flushes.filter((path) => !isFolder(path)).length >= 8,
        `files flushed: ${flushes.join(', ')}`,
      );
      assert.ok(flushes.some(isFolder), 'the folders holding new names are flushed');
    });
  });
}

/**
 * The S3-compatible endpoint driven by `@aws-sdk/client-s3`: every operation, presigned
 * URLs, multipart, metadata, XML errors, key permissions and signature checks.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('S3 endpoint with @aws-sdk/client-s3', () => {
  let server: TestServer;
  let s3: S3Client;
  let key: { accessKeyId: string; secretAccessKey: string };
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new S3Client({ endpoint: `${server.url}/s3`, region: 'us-east-1', forcePathStyle: true, credentials });

  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    key = await pb.send('/api/basalt/s3/keys', { method: 'POST', body: { name: 'test-all' } });
    s3 = client(key);
  });
  after(async () => {
    s3?.destroy();
    await server.stop();
  });

  test('buckets: create, head, list, delete; errors in S3 shape', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'alpha' }));
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets?.some((b) => b.Name === 'alpha'));
    await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: 'alpha' })), {
      name: 'BucketAlreadyOwnedByYou',
    });
    await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), {
      name: 'InvalidBucketName',
    });
    await assert.rejects(
      s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' })),
      (e: any) => e.$metadata.httpStatusCode === 404,
    );
    await s3.send(new PutObjectCommand({ Bucket: 'alpha', Key: 'x', Body: 'x' }));
    await assert.rejects(s3.send(new DeleteBucketCommand({ Bucket: 'alpha' })), { name: 'BucketNotEmpty' });
    await s3.send(new DeleteObjectCommand({ Bucket: 'alpha', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'alpha' }));
    await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: 'alpha' })));
  });

  test('objects: put (with metadata), get, head, ranges, conditional, copy, delete', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
    const body = 'hello, object storage';
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'dir/a b+c.txt',
        Body: body,
        ContentType: 'text/plain',
        Metadata: { color: 'blue' },
      }),
    );
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/a b+c.txt' }));
    assert.equal(await got.Body!.transformToString(), body);
    assert.equal(got.ContentType, 'text/plain');
    assert.deepEqual(got.Metadata, { color: 'blue' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dir/a b+c.txt' }));
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ETag, put.ETag);
    const range = await s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'dir/a b+c.txt', Range: 'bytes=0-4' }),
    );
    assert.equal(await range.Body!.transformToString(), 'hello');
    assert.equal(range.ContentRange, `bytes 0-4/${body.length}`);
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/a b+c.txt', IfNoneMatch: put.ETag })),
      (e: any) => e.$metadata.httpStatusCode === 304,
    );
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/a b+c.txt', IfMatch: '"nope"' })),
      (e: any) => e.$metadata.httpStatusCode === 412,
    );
    await s3.send(
      new CopyObjectCommand({ Bucket: 'objects', Key: 'copy.txt', CopySource: 'objects/dir/a%20b%2Bc.txt' }),
    );
    const copy = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'copy.txt' }));
    assert.equal(await copy.Body!.transformToString(), body);
    assert.deepEqual(copy.Metadata, { color: 'blue' });
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'missing' })), {
      name: 'NoSuchKey',
    });
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'x' })), {
      name: 'NoSuchBucket',
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'copy.txt' }));
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'copy.txt' })));
  });

  test('keys that look like paths are just names: ../, absolute, lookalikes', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'names' }));
    const names = ['../../etc/passwd', '/abs/olute', '\uFF0E\uFF0E/x', 'a/./b', 'unicode/caf\u00e9'];
    for (const Key of names) await s3.send(new PutObjectCommand({ Bucket: 'names', Key, Body: Key }));
    for (const Key of names) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'names', Key }));
      assert.equal(await got.Body!.transformToString(), Key);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'names' }));
    assert.deepEqual(listed.Contents?.map((c) => c.Key).sort(), [...names].sort());
  });

  test('ListObjectsV2 and ListObjects: prefix, delimiter, continuation, max-keys', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a/1', 'a/2', 'a/b/3', 'b/4', 'c', 'd/5', 'd/6'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    assert.deepEqual(
      top.CommonPrefixes?.map((p) => p.Prefix),
      ['a/', 'b/', 'd/'],
    );
    assert.deepEqual(
      top.Contents?.map((c) => c.Key),
      ['c'],
    );
    const inA = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', Delimiter: '/' }));
    assert.deepEqual(
      inA.Contents?.map((c) => c.Key),
      ['a/1', 'a/2'],
    );
    assert.deepEqual(
      inA.CommonPrefixes?.map((p) => p.Prefix),
      ['a/b/'],
    );
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, ContinuationToken: token }),
      );
      assert.ok((page.KeyCount ?? 0) <= 2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    assert.deepEqual(seen, keys);
    const pagedPrefixes: string[] = [];
    token = undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }),
      );
      pagedPrefixes.push(
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
        ...(page.Contents ?? []).map((c) => c.Key!),
      );
      token = page.NextContinuationToken;
    } while (token);
    assert.deepEqual(pagedPrefixes, ['a/', 'b/', 'c', 'd/']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'b/4', MaxKeys: 2 }));
    assert.deepEqual(
      v1.Contents?.map((c) => c.Key),
      ['c', 'd/5'],
    );
    assert.equal(v1.IsTruncated, true);
  });

  test('DeleteObjects removes many at once', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'many' }));
    for (const Key of ['1', '2', '3'])
      await s3.send(new PutObjectCommand({ Bucket: 'many', Key, Body: Key }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'many',
        Delete: { Objects: [{ Key: '1' }, { Key: '3' }, { Key: 'nope' }] },
      }),
    );
    assert.equal(out.Deleted?.length, 3);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'many' }));
    assert.deepEqual(
      left.Contents?.map((c) => c.Key),
      ['2'],
    );
  });

  test('multipart: create, upload parts, list parts and uploads, complete, abort', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'multi' }));
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'multi',
        Key: 'big.bin',
        ContentType: 'application/x-test',
      }),
    );
    const part1 = Buffer.alloc(5 << 20, 1);
    const part2 = Buffer.from('tail');
    const p1 = await s3.send(
      new UploadPartCommand({ Bucket: 'multi', Key: 'big.bin', UploadId, PartNumber: 1, Body: part1 }),
    );
    const p2 = await s3.send(
      new UploadPartCommand({ Bucket: 'multi', Key: 'big.bin', UploadId, PartNumber: 2, Body: part2 }),
    );
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'multi', Key: 'big.bin', UploadId }));
    assert.deepEqual(
      parts.Parts?.map((p) => [p.PartNumber, p.Size]),
      [
        [1, part1.length],
        [2, 4],
      ],
    );
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'multi' }));
    assert.deepEqual(
      uploads.Uploads?.map((u) => u.UploadId),
      [UploadId],
    );
    await assert.rejects(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'multi',
          Key: 'big.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 2, ETag: p2.ETag },
              { PartNumber: 1, ETag: p1.ETag },
            ],
          },
        }),
      ),
      { name: 'InvalidPartOrder' },
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'multi',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    assert.match(done.ETag!, /^"[0-9a-f]{32}-2"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'big.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.equal(bytes.length, part1.length + 4);
    assert.deepEqual(bytes.subarray(-4), part2);
    assert.equal(got.ContentType, 'application/x-test');
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'gone' }));
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'gone', UploadId: second.UploadId }),
    );
    await assert.rejects(
      s3.send(new ListPartsCommand({ Bucket: 'multi', Key: 'gone', UploadId: second.UploadId })),
      { name: 'NoSuchUpload' },
    );
  });

  test('streaming uploads of unknown length (lib-storage) arrive whole', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'stream' }));
    const size = 12 << 20;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) data[i] = i % 251;
    const { Readable } = await import('node:stream');
    await new Upload({
      client: s3,
      params: {
        Bucket: 'stream',
        Key: 's',
        Body: Readable.from([data.subarray(0, size / 2), data.subarray(size / 2)]),
      },
      partSize: 5 << 20,
    }).done();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'stream', Key: 's' }));
    const back = Buffer.from(await got.Body!.transformToByteArray());
    assert.equal(
      createHash('sha256').update(back).digest('hex'),
      createHash('sha256').update(data).digest('hex'),
    );
  });

  test('presigned GET and PUT URLs work; expired or altered ones are refused', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'presign' }));
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presign', Key: 'p.txt' }), {
      expiresIn: 60,
    });
    assert.equal((await fetch(putUrl, { method: 'PUT', body: 'presigned body' })).status, 200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'p.txt' }), {
      expiresIn: 60,
    });
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'presigned body');
    const altered = getUrl.replace('p.txt', 'q.txt');
    const refused = await fetch(altered);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'p.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const late = await fetch(expired);
    assert.equal(late.status, 403);
    assert.match(await late.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('bad and replayed signatures, unknown keys, anonymous requests: 403', async () => {
    const wrongSecret = client({ accessKeyId: key.accessKeyId, secretAccessKey: 'not-the-secret' });
    await assert.rejects(wrongSecret.send(new ListBucketsCommand({})), { name: 'SignatureDoesNotMatch' });
    const unknown = client({ accessKeyId: 'BKUNKNOWN', secretAccessKey: 'x' });
    await assert.rejects(unknown.send(new ListBucketsCommand({})), { name: 'InvalidAccessKeyId' });
    const anonymous = await fetch(`${server.url}/s3/`);
    assert.equal(anonymous.status, 403);
    // a request signed 20 minutes ago (a captured, replayed request) is refused
    const stale = new S3Client({
      endpoint: `${server.url}/s3`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: key,
      systemClockOffset: -20 * 60_000,
      maxAttempts: 1,
    });
    await assert.rejects(stale.send(new ListBucketsCommand({})), { name: 'RequestTimeTooSkewed' });
    // the signature of one request replayed onto another path is refused
    const signed = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'p.txt' }), {
      expiresIn: 60,
    });
    const replayed = new URL(signed);
    replayed.pathname = '/s3/presign/other.txt';
    assert.equal((await fetch(replayed)).status, 403);
    wrongSecret.destroy();
    unknown.destroy();
    stale.destroy();
  });

  test('per-bucket and read-only keys; revoked keys stop working', async () => {
    const pb = await server.superuser();
    await s3.send(new CreateBucketCommand({ Bucket: 'private-one' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'k', Body: 'v' }));
    const reader = await pb.send('/api/basalt/s3/keys', {
      method: 'POST',
      body: { name: 'reader', buckets: ['shared'], readOnly: true },
    });
    const r = client(reader);
    assert.equal(
      await (await r.send(new GetObjectCommand({ Bucket: 'shared', Key: 'k' }))).Body!.transformToString(),
      'v',
    );
    await assert.rejects(r.send(new PutObjectCommand({ Bucket: 'shared', Key: 'k2', Body: 'v' })), {
      name: 'AccessDenied',
    });
    await assert.rejects(r.send(new ListObjectsV2Command({ Bucket: 'private-one' })), {
      name: 'AccessDenied',
    });
    const visible = await r.send(new ListBucketsCommand({}));
    assert.deepEqual(
      visible.Buckets?.map((b) => b.Name),
      ['shared'],
    );
    const listed = await pb.send('/api/basalt/s3/keys', {});
    assert.ok(
      listed.items.some(
        (k: any) => k.accessKeyId === reader.accessKeyId && !('secret' in k) && !('secretAccessKey' in k),
      ),
    );
    await pb.send(`/api/basalt/s3/keys/${reader.accessKeyId}`, { method: 'DELETE' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await assert.rejects(r.send(new GetObjectCommand({ Bucket: 'shared', Key: 'k' })), {
      name: 'InvalidAccessKeyId',
    });
    r.destroy();
    const guest = server.client();
    await assert.rejects(guest.send('/api/basalt/s3/keys', {}));
  });
});

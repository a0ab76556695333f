/**
 * Bad input on the S3 endpoint, with requests signed by hand (the AWS signer from
 * `@smithy/signature-v4`, which the AWS SDK itself uses): a body that does not match
 * its signed hash, a forged aws-chunked chunk signature, a connection cut mid-upload.
 * None may leave a visible object or a temp file.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { eventually } from '../helpers/realtime.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source) =>
  typeof d === 'string'
    ? Buffer.from(d)
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

/** The hash shape the signer wants: SHA-256, or HMAC-SHA256 when given a secret. */
class Sha256 {
  #hash: Hash | Hmac;
  constructor(secret?: Source) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Source) {
    this.#hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.#hash.digest());
  }
}

describe('S3 endpoint: bad input', () => {
  let server: TestServer;
  let s3: S3Client;
  let signer: SignatureV4;
  let key: { accessKeyId: string; secretAccessKey: string };

  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    key = await pb.send('/api/basalt/s3/keys', { method: 'POST', body: { name: 'bad' } });
    s3 = new S3Client({
      endpoint: `${server.url}/s3`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: key,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'bad' }));
    signer = new SignatureV4({
      credentials: key,
      region: 'us-east-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    });
  });
  after(async () => {
    s3.destroy();
    await server.stop();
  });

  const missing = async (Key: string) =>
    assert.rejects(
      s3.send(new HeadObjectCommand({ Bucket: 'bad', Key })),
      (e: any) => e.$metadata.httpStatusCode === 404,
    );
  const tempFiles = () => readdirSync(join(server.dir, 'storage.basalt-tmp'));
  /** files under the S3 blob folders: a refused or cut upload must not add one */
  const blobFiles = () => {
    const root = join(server.dir, 'storage', '_s3');
    if (!existsSync(root)) return 0;
    return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile())
      .length;
  };
  const md5 = (data: string) => createHash('md5').update(data).digest();

  async function signedPut(path: string, headers: Record<string, string>, body: string) {
    const url = new URL(`${server.url}/s3${path}`);
    const signed = await signer.sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...headers },
      body,
    });
    return { signed, url };
  }

  test('a body that does not match its signed SHA-256 is refused and not stored', async () => {
    const blobs = blobFiles();
    const { signed, url } = await signedPut(
      '/bad/mismatch',
      { 'x-amz-content-sha256': createHash('sha256').update('declared').digest('hex') },
      'actual',
    );
    const response = await fetch(url, { method: 'PUT', headers: signed.headers, body: 'actual' });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    await missing('mismatch');
    assert.deepEqual(tempFiles(), []);
    assert.equal(blobFiles(), blobs);
  });

  test('Content-MD5: a matching one stores the object (ETag = that MD5), a wrong one is BadDigest, a malformed one InvalidDigest', async () => {
    const body = 'checked by its MD5';
    const good = await signedPut('/bad/md5-good', { 'content-md5': md5(body).toString('base64') }, body);
    const stored = await fetch(good.url, { method: 'PUT', headers: good.signed.headers, body });
    assert.equal(stored.status, 200, await stored.text());
    assert.equal(stored.headers.get('etag'), `"${md5(body).toString('hex')}"`);
    const blobs = blobFiles();
    const cases = [
      ['md5-wrong', md5('something else').toString('base64'), 'BadDigest'],
      ['md5-malformed', 'not-an-md5', 'InvalidDigest'],
      ['md5-short', Buffer.alloc(8).toString('base64'), 'InvalidDigest'],
    ];
    for (const [name, header, code] of cases) {
      const { signed, url } = await signedPut(`/bad/${name}`, { 'content-md5': header }, body);
      const response = await fetch(url, { method: 'PUT', headers: signed.headers, body });
      assert.equal(response.status, 400, name);
      assert.match(await response.text(), new RegExp(`<Code>${code}</Code>`), name);
      await missing(name);
    }
    assert.equal(blobFiles(), blobs);
    assert.deepEqual(tempFiles(), []);
  });

  test('UploadPart checks Content-MD5 too: a wrong one is BadDigest and adds no part', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'bad', Key: 'parts' }));
    const part = { Bucket: 'bad', Key: 'parts', UploadId, PartNumber: 1, Body: 'part body' };
    await assert.rejects(
      s3.send(new UploadPartCommand({ ...part, ContentMD5: md5('other').toString('base64') })),
      {
        name: 'BadDigest',
      },
    );
    assert.equal(
      (await s3.send(new ListPartsCommand({ Bucket: 'bad', Key: 'parts', UploadId }))).Parts?.length ?? 0,
      0,
    );
    const { ETag } = await s3.send(
      new UploadPartCommand({ ...part, ContentMD5: md5('part body').toString('base64') }),
    );
    assert.equal(ETag, `"${md5('part body').toString('hex')}"`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'bad', Key: 'parts', UploadId }));
  });

  test('aws-chunked: good chunk signatures store the object; a forged one is a 403 and stores nothing', async () => {
    const payload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    const data = Buffer.from('chunked object body');
    for (const forge of [false, true]) {
      const name = forge ? 'forged' : 'chunked';
      const { signed, url } = await signedPut(
        `/bad/${name}`,
        {
          'x-amz-content-sha256': payload,
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(data.length),
        },
        '',
      );
      const seed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))![1];
      const amzDate = String(signed.headers['x-amz-date']);
      const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
      // the documented SigV4 key derivation: HMAC chain over date, region, service
      const hmac = (k: Buffer | string, data: string) => createHmac('sha256', k).update(data).digest();
      const signingKey = hmac(
        hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, amzDate.slice(0, 8)), 'us-east-1'), 's3'),
        'aws4_request',
      );
      const chunkSig = (previous: string, chunk: Buffer) =>
        createHmac('sha256', signingKey)
          .update(
            [
              'AWS4-HMAC-SHA256-PAYLOAD',
              amzDate,
              scope,
              previous,
              createHash('sha256').update('').digest('hex'),
              createHash('sha256').update(chunk).digest('hex'),
            ].join('\n'),
          )
          .digest('hex');
      const first = forge ? '0'.repeat(64) : chunkSig(seed, data);
      const last = chunkSig(first, Buffer.alloc(0));
      const body = Buffer.concat([
        Buffer.from(`${data.length.toString(16)};chunk-signature=${first}\r\n`),
        data,
        Buffer.from(`\r\n0;chunk-signature=${last}\r\n\r\n`),
      ]);
      const response = await fetch(url, { method: 'PUT', headers: signed.headers, body });
      if (forge) {
        assert.equal(response.status, 403);
        assert.match(await response.text(), /SignatureDoesNotMatch/);
        await missing(name);
      } else {
        assert.equal(response.status, 200, await response.text());
        const got = await fetch(
          await getSignedUrl(
            s3,
            new (await import('@aws-sdk/client-s3')).GetObjectCommand({ Bucket: 'bad', Key: name }),
          ),
        );
        assert.equal(await got.text(), data.toString());
      }
    }
    assert.deepEqual(tempFiles(), []);
  });

  test('a connection cut mid-upload leaves no object, no blob and no temp file', async () => {
    const blobs = blobFiles();
    const url = new URL(
      await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'bad', Key: 'cut' }), { expiresIn: 60 }),
    );
    const req = httpRequest(url, { method: 'PUT', headers: { 'content-length': String(4 << 20) } });
    req.on('error', () => {});
    req.write(Buffer.alloc(1 << 20, 3));
    await sleep(200);
    req.destroy();
    // the server sees the cut and cleans up on its own time; a loaded machine takes longer
    await eventually(() => tempFiles().length === 0, 'the cut upload to remove its temp file');
    await missing('cut');
    assert.deepEqual(tempFiles(), []);
    assert.equal(blobFiles(), blobs);
  });

  test('keys over 1024 bytes and keys with NUL are refused', async () => {
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'k'.repeat(1025), Body: 'x' })), {
      name: 'KeyTooLongError',
    });
    await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'a\u0000b', Body: 'x' })),
      (e: any) => e.$metadata.httpStatusCode === 400,
    );
  });
});

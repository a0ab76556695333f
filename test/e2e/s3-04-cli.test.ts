/**
 * `basalt s3 keys create|list|revoke` as a person (or a script) runs them: a key made
 * with `--json` works against a served data dir with the AWS SDK, limits hold, and a
 * revoked key stops working.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type ProcessServer, runBasalt, startProcessServer, tempDir } from '../helpers/process-server.ts';

describe('basalt s3 keys', () => {
  let dir: string;
  let server: ProcessServer;
  before(async () => {
    dir = tempDir('basalt-s3-cli-');
    server = await startProcessServer(dir);
  });
  after(async () => {
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('create --json prints one line; the key works, per bucket and read-only; list; revoke', async () => {
    const writer = await runBasalt(['s3', 'keys', 'create', 'writer', '--json', '--dir', dir]);
    assert.equal(writer.code, 0, writer.stderr);
    const lines = writer.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const key = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(key).sort(), ['accessKeyId', 'secretAccessKey']);
    const client = (credentials: typeof key) =>
      new S3Client({
        endpoint: `${server.url}/s3`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials,
        maxAttempts: 1,
      });
    const s3 = client(key);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-a' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-b' }));

    const reader = await runBasalt([
      's3',
      'keys',
      'create',
      'reader',
      '--bucket',
      'cli-a',
      '--bucket',
      'cli-c',
      '--read-only',
      '--json',
      '--dir',
      dir,
    ]);
    const readKey = JSON.parse(reader.stdout.trim());
    const r = client(readKey);
    assert.deepEqual(
      (await r.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name),
      ['cli-a'],
    );
    await assert.rejects(r.send(new PutObjectCommand({ Bucket: 'cli-a', Key: 'x', Body: 'x' })), {
      name: 'AccessDenied',
    });

    const list = await runBasalt(['s3', 'keys', 'list', '--dir', dir]);
    assert.equal(list.code, 0);
    assert.match(
      list.stdout,
      new RegExp(`${readKey.accessKeyId}\\s+reader\\s+read-only\\s+buckets: cli-a,cli-c`),
    );
    assert.ok(!list.stdout.includes(readKey.secretAccessKey), 'secrets are never listed');

    const revoke = await runBasalt(['s3', 'keys', 'revoke', 'reader', '--dir', dir]);
    assert.equal(revoke.code, 0);
    assert.match(revoke.stdout, /Revoked 1 S3 access key/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await assert.rejects(r.send(new ListBucketsCommand({})), { name: 'InvalidAccessKeyId' });
    const again = await runBasalt(['s3', 'keys', 'revoke', 'reader', '--dir', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No S3 access key has the id or name "reader"/);
    s3.destroy();
    r.destroy();
  });

  test('create without a name is a usage error that says what is missing', async () => {
    const result = await runBasalt(['s3', 'keys', 'create', '--dir', dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /NAME/);
  });
});

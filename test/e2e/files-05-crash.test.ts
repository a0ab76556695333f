/**
 * Uploads survive a crash of the process: clients upload record files and S3 objects to
 * a `basalt serve` child as fast as they can; it is SIGKILLed mid-flight and restarted
 * on the same data dir, where every upload acknowledged with a 200 must be served whole,
 * byte for byte, and no temp file is left. Under the default profile (`normal`) the disk
 * driver does not flush: this is the crash that profile promises to survive.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { http } from '../helpers/server.ts';
import { type ProcessServer, startProcessServer, tempDir } from '../helpers/process-server.ts';

const RECORD_CLIENTS = 3;
const S3_CLIENTS = 2;
const MIN_ACKS = 40;

const sha256 = (data: Buffer | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Between 1 KB and ~3 MB of bytes unique to `seed`. */
function payload(seed: number): Buffer {
  const size = 1024 + ((seed * 7919) % (3 << 20));
  const data = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 512) data.writeUInt32LE((seed * 2654435761 + i) >>> 0, i);
  return data;
}

interface Acked {
  /** record id → [stored file name, sha256] */
  records: Map<string, [string, string]>;
  /** S3 key → sha256 */
  objects: Map<string, string>;
  /** answers other than 200 before the kill */
  failures: string[];
}

/** Uploads one record with a file after another until the server goes away. */
async function recordClient(server: ProcessServer, index: number, acked: Acked, stop: { killed: boolean }) {
  for (let seq = 0; ; seq++) {
    const data = payload(index * 100_000 + seq);
    const form = new FormData();
    form.append('doc', new Blob([data]), `c${index}-${seq}.bin`);
    try {
      const response = await fetch(`${server.url}/api/collections/uploads/records`, {
        method: 'POST',
        body: form,
      });
      const body = (await response.json()) as { id: string; doc: string };
      if (response.status === 200) acked.records.set(body.id, [body.doc, sha256(data)]);
      else if (!stop.killed) acked.failures.push(`${response.status} ${JSON.stringify(body)}`);
    } catch {
      return; // the connection died with the server: not acknowledged
    }
  }
}

/** Puts one S3 object after another until the server goes away. */
async function s3Client(s3: S3Client, index: number, acked: Acked, stop: { killed: boolean }) {
  for (let seq = 0; ; seq++) {
    const key = `c${index}/${seq}.bin`;
    const data = payload(1_000_000 + index * 100_000 + seq);
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'crash', Key: key }), {
      expiresIn: 600,
    });
    try {
      const response = await fetch(url, { method: 'PUT', body: data });
      const text = await response.text();
      if (response.status === 200) acked.objects.set(key, sha256(data));
      else if (!stop.killed) acked.failures.push(`${response.status} ${text}`);
    } catch {
      return;
    }
  }
}

async function setUp(server: ProcessServer): Promise<S3Client> {
  const token = await server.token();
  const created = await http(server.url, 'POST', '/api/collections', {
    token,
    body: {
      name: 'uploads',
      type: 'base',
      createRule: '',
      viewRule: '',
      fields: [{ name: 'doc', type: 'file', maxSize: 4 << 20 }],
    },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const key = await http(server.url, 'POST', '/api/basalt/s3/keys', { token, body: { name: 'crash' } });
  assert.equal(key.status, 200, JSON.stringify(key.body));
  const s3 = new S3Client({
    endpoint: `${server.url}/s3`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: key.body,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
  return s3;
}

async function uploadThenKill(dir: string, args: string[]): Promise<Acked> {
  const server = await startProcessServer(dir, { args });
  const s3 = await setUp(server);
  const acked: Acked = { records: new Map(), objects: new Map(), failures: [] };
  const stop = { killed: false };
  const clients = [
    ...Array.from({ length: RECORD_CLIENTS }, (_, i) => recordClient(server, i, acked, stop)),
    ...Array.from({ length: S3_CLIENTS }, (_, i) => s3Client(s3, i, acked, stop)),
  ];
  const started = Date.now();
  const enough = () => acked.records.size + acked.objects.size >= MIN_ACKS && acked.objects.size > 0;
  while ((Date.now() - started < 1500 || !enough()) && Date.now() - started < 20_000) await sleep(50);
  stop.killed = true;
  await server.kill();
  await Promise.all(clients);
  s3.destroy();
  return acked;
}

describe('crash safety of uploads: SIGKILL under concurrent uploads', { concurrency: true }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const args of [[], ['--db-sync', 'full']]) {
    it(`serves every acknowledged upload whole after a restart (${args.join(' ') || 'default sync'})`, async (t) => {
      const dir = tempDir('basalt-upload-crash-');
      dirs.push(dir);
      const acked = await uploadThenKill(dir, args);
      assert.deepEqual(
        acked.failures.slice(0, 5),
        [],
        `${acked.failures.length} uploads failed before the kill`,
      );
      assert.ok(acked.records.size + acked.objects.size >= MIN_ACKS, 'too few uploads acknowledged');

      const restarted = await startProcessServer(dir, { args, superuser: false });
      try {
        // the start clears the temp folder: an upload cut by the kill leaves nothing
        assert.deepEqual(readdirSync(join(dir, 'storage.basalt-tmp')), []);
        const token = await restarted.token();
        const collection = await http(restarted.url, 'GET', '/api/collections/uploads', { token });
        const wrong: string[] = [];
        for (const [id, [name, digest]] of acked.records) {
          const response = await fetch(`${restarted.url}/api/files/${collection.body.id}/${id}/${name}`);
          const got = Buffer.from(await response.arrayBuffer());
          if (response.status !== 200 || sha256(got) !== digest)
            wrong.push(`record ${id}: ${response.status}`);
        }
        const key = await http(restarted.url, 'POST', '/api/basalt/s3/keys', {
          token,
          body: { name: 'check' },
        });
        const s3 = new S3Client({
          endpoint: `${restarted.url}/s3`,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: key.body,
        });
        try {
          for (const [objectKey, digest] of acked.objects) {
            const got = await s3
              .send(new GetObjectCommand({ Bucket: 'crash', Key: objectKey }))
              .then(async (answer) => sha256(await answer.Body!.transformToByteArray()))
              .catch((error: Error) => error.name);
            if (got !== digest) wrong.push(`object ${objectKey}: ${got}`);
          }
        } finally {
          s3.destroy();
        }
        assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} acknowledged uploads lost or altered`);
        t.diagnostic(
          `${acked.records.size} record uploads and ${acked.objects.size} S3 objects acknowledged`,
        );
      } finally {
        await restarted.kill();
      }
    });
  }
});

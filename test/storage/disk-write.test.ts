import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import { writeNewFile } from '../../src/storage/drivers/disk-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'basalt-disk-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `f${n++}`);

test('writes many small chunks and a body larger than the background flush step, byte for byte', async () => {
  const small = Array.from({ length: 5000 }, (_, i) => Buffer.from([i % 256]));
  const big = Buffer.alloc(20 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
  // flush: false is the normal sync profile: the same bytes, without the flushes
  for (const flush of [true, false]) {
    for (const chunks of [small, [big.subarray(0, 7 << 20), big.subarray(7 << 20)]]) {
      const path = fresh();
      const { stats } = await writeNewFile(path, Readable.from(chunks), { flush });
      const expected = Buffer.concat(chunks);
      assert.equal(stats.size, expected.length);
      assert.ok(readFileSync(path).equals(expected));
    }
  }
});

test('refuses a body past maxSize with too_large', async () => {
  await assert.rejects(
    writeNewFile(fresh(), Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxSize: 1000 }),
    {
      code: 'too_large',
    },
  );
});

test('a body that fails while the file is being opened rejects instead of crashing the process', async () => {
  const body = new PassThrough();
  const writing = writeNewFile(fresh(), body);
  body.destroy(new Error('cut while opening'));
  await assert.rejects(writing, /cut while opening/);
});

test('a body that closes before its end rejects as a premature close', async () => {
  const body = new PassThrough();
  const writing = writeNewFile(fresh(), body);
  body.write(Buffer.alloc(10));
  setTimeout(() => body.destroy(), 20);
  await assert.rejects(writing, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
});

test('refuses to overwrite: the target must be a new file', async () => {
  const path = fresh();
  await writeNewFile(path, Readable.from([Buffer.from('a')]));
  await assert.rejects(writeNewFile(path, Readable.from([Buffer.from('b')])), { code: 'EEXIST' });
  assert.equal(readFileSync(path, 'utf8'), 'a');
});

const hex = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex');

test('computes the digests asked for over the bytes written, for empty, small and many-write bodies', async () => {
  const big = Buffer.alloc(9 << 20);
  for (let i = 0; i < big.length; i += 997) big[i] = i % 253;
  const bodies = [
    [],
    [Buffer.from('hello')],
    Array.from({ length: 144 }, (_, i) => big.subarray(i << 16, (i + 1) << 16)),
  ];
  for (const chunks of bodies) {
    const expected = Buffer.concat(chunks);
    for (const flush of [true, false]) {
      const { digests } = await writeNewFile(fresh(), Readable.from(chunks), {
        digests: ['md5', 'sha256'],
        flush,
      });
      assert.deepEqual(digests, { md5: hex('md5', expected), sha256: hex('sha256', expected) });
    }
  }
});

test('concurrent writes get their own digests, and a failed write does not disturb the next', async () => {
  const cut = new PassThrough();
  const failing = writeNewFile(fresh(), cut, { digests: ['md5'] });
  cut.write(Buffer.alloc(100_000, 1));
  const bodies = ['a', 'bb', 'ccc'].map((s) => Buffer.alloc(300_000, s));
  const writes = bodies.map((b) =>
    writeNewFile(fresh(), Readable.from([b.subarray(0, 1000), b.subarray(1000)]), { digests: ['md5'] }),
  );
  setTimeout(() => cut.destroy(new Error('cut')), 10);
  await assert.rejects(failing, /cut/);
  const results = await Promise.all(writes);
  assert.deepEqual(
    results.map((r) => r.digests?.md5),
    bodies.map((b) => hex('md5', b)),
  );
  const after = await writeNewFile(fresh(), Readable.from([Buffer.from('after')]), { digests: ['md5'] });
  assert.equal(after.digests?.md5, hex('md5', Buffer.from('after')));
});

test('without digests asked for, none are computed', async () => {
  const { digests } = await writeNewFile(fresh(), Readable.from([Buffer.from('x')]));
  assert.equal(digests, undefined);
});

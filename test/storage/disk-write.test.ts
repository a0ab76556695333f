import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import { writeDurably } from '../../src/storage/drivers/disk-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'basalt-disk-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `f${n++}`);

test('writes many small chunks and a body larger than the background flush step, byte for byte', async () => {
  const small = Array.from({ length: 5000 }, (_, i) => Buffer.from([i % 256]));
  const big = Buffer.alloc(20 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
  for (const chunks of [small, [big.subarray(0, 7 << 20), big.subarray(7 << 20)]]) {
    const path = fresh();
    const stats = await writeDurably(path, Readable.from(chunks));
    const expected = Buffer.concat(chunks);
    assert.equal(stats.size, expected.length);
    assert.ok(readFileSync(path).equals(expected));
  }
});

test('refuses a body past maxSize with too_large', async () => {
  await assert.rejects(writeDurably(fresh(), Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000), {
    code: 'too_large',
  });
});

test('a body that fails while the file is being opened rejects instead of crashing the process', async () => {
  const body = new PassThrough();
  const writing = writeDurably(fresh(), body);
  body.destroy(new Error('cut while opening'));
  await assert.rejects(writing, /cut while opening/);
});

test('a body that closes before its end rejects as a premature close', async () => {
  const body = new PassThrough();
  const writing = writeDurably(fresh(), body);
  body.write(Buffer.alloc(10));
  setTimeout(() => body.destroy(), 20);
  await assert.rejects(writing, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
});

test('refuses to overwrite: the target must be a new file', async () => {
  const path = fresh();
  await writeDurably(path, Readable.from([Buffer.from('a')]));
  await assert.rejects(writeDurably(path, Readable.from([Buffer.from('b')])), { code: 'EEXIST' });
  assert.equal(readFileSync(path, 'utf8'), 'a');
});

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sniffType } from '../../src/storage/sniff-type.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** A stream that yields `bytes` in pieces of `size`, then fails with `error` if given. */
function pieces(bytes: Buffer, size: number, error?: Error): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at < bytes.length) {
        this.push(bytes.subarray(at, at + size));
        at += size;
      } else if (error) this.destroy(error);
      else this.push(null);
    },
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('detects the type from a head that arrives in tiny pieces, and the stream keeps every byte', async () => {
  const bytes = Buffer.concat([PNG, Buffer.alloc(20_000, 7)]);
  const { type, stream } = await sniffType(pieces(bytes, 3));
  assert.equal(type, 'image/png');
  assert.deepEqual(await collect(stream), bytes);
});

test('a source shorter than the sample is read whole and replayed', async () => {
  const { type, stream } = await sniffType(pieces(Buffer.from('hello'), 2));
  assert.equal(type, 'text/plain; charset=utf-8');
  assert.equal((await collect(stream)).toString(), 'hello');
});

test('an empty source is octet-stream with an empty stream', async () => {
  const { type, stream } = await sniffType(pieces(Buffer.alloc(0), 1));
  assert.equal(type, 'application/octet-stream');
  assert.equal((await collect(stream)).length, 0);
});

test('a source that fails after the head fails the returned stream (a cut upload is never whole)', async () => {
  const { stream } = await sniffType(pieces(Buffer.alloc(50_000, 1), 8192, new Error('cut')));
  await assert.rejects(collect(stream), /cut/);
});

test('a source that fails before the head is complete rejects', async () => {
  await assert.rejects(sniffType(pieces(Buffer.alloc(100, 1), 10, new Error('cut early'))), /cut early/);
});

test('the type does not depend on how the source is chunked (upload and serving agree)', async () => {
  const json = Buffer.from(JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => i) }));
  assert.ok(json.length > 4100);
  const whole = await sniffType(pieces(json, json.length));
  const small = await sniffType(pieces(json, 1000));
  assert.equal(whole.type, small.type);
  assert.deepEqual(await collect(whole.stream), json);
});

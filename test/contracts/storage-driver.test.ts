/**
 * The StorageDriver contract, run over the disk driver and the S3 driver (against
 * s3rver, an S3 implementation we did not write).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { openStorage } from '../../src/storage/open-storage.ts';
import { type StorageDriver, StorageError, type StorageSync } from '../../src/storage/storage-driver.ts';
import { startS3rver, type ThirdPartyS3 } from '../helpers/s3rver.ts';

const text = (s: string) => Readable.from([Buffer.from(s)]);

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** A stream of `size` pseudo-random bytes made on the fly, and the sha256 it will have. */
function generated(size: number): { stream: Readable; digest: Promise<string> } {
  const hash = createHash('sha256');
  let left = size;
  let seed = 1;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, 1 << 16);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i += 4) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        chunk.writeUInt32LE(seed, i);
      }
      left -= n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  const digest = new Promise<string>((resolve) => stream.on('end', () => resolve(hash.digest('hex'))));
  return { stream, digest };
}

interface Subject {
  open(): Promise<StorageDriver>;
  cleanup(): Promise<void>;
  /** checks nothing but finished objects is left behind */
  leftovers?(): string[];
}

/** The disk driver under a sync profile (the default, `full`, when none is given). */
function disk(sync?: StorageSync): Subject {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-storage-'));
  return {
    open: () => openStorage(`file://${dir}`, { sync }),
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.basalt-tmp`, { recursive: true, force: true });
    },
    leftovers: () => readdirSync(`${dir}.basalt-tmp`),
  };
}

let s3: ThirdPartyS3;
function s3Subject(): Subject {
  return { open: () => openStorage(s3.storageUrl('contract')), cleanup: async () => {} };
}

for (const [name, make] of [
  ['disk', () => disk()],
  ['disk (sync normal)', () => disk('normal')],
  ['s3 (s3rver)', s3Subject],
] as const) {
  describe(`storage driver contract: ${name}`, () => {
    let subject: Subject;
    let driver: StorageDriver;
    before(async () => {
      if (name.startsWith('s3')) s3 = await startS3rver();
      subject = make();
      driver = await subject.open();
    });
    after(async () => {
      await driver.close();
      await subject.cleanup();
      if (name.startsWith('s3')) await s3.stop();
    });

    it('puts, heads, gets and deletes an object', async () => {
      const info = await driver.put('c1/r1/a.txt', text('hello world'), { contentType: 'text/plain' });
      assert.equal(info.size, 11);
      assert.match(info.etag, /^"?.+"?$/);
      const head = await driver.head('c1/r1/a.txt');
      assert.equal(head?.size, 11);
      assert.equal(head?.etag, info.etag);
      const got = await driver.get('c1/r1/a.txt');
      assert.equal(await readAll(got!.body), 'hello world');
      await driver.delete('c1/r1/a.txt');
      assert.equal(await driver.head('c1/r1/a.txt'), null);
      assert.equal(await driver.get('c1/r1/a.txt'), null);
      await driver.delete('c1/r1/a.txt'); // idempotent
    });

    it('reads an inclusive byte range and reports the whole size', async () => {
      await driver.put('range/x', text('0123456789'));
      const got = await driver.get('range/x', { start: 2, end: 5 });
      assert.equal(await readAll(got!.body), '2345');
      assert.equal(got!.info.size, 10);
    });

    it('replaces an object whole and changes its etag', async () => {
      const first = await driver.put('replace/x', text('one'));
      await new Promise((r) => setTimeout(r, 5));
      const second = await driver.put('replace/x', text('second'));
      assert.notEqual(first.etag, second.etag);
      assert.equal(await readAll((await driver.get('replace/x'))!.body), 'second');
    });

    it('lists by prefix in key order, paging with after/limit', async () => {
      for (const k of ['list/b', 'list/a', 'list/c/d', 'listx/e']) await driver.put(k, text(k));
      const all = await driver.list('list/');
      assert.deepEqual(
        all.items.map((i) => i.key),
        ['list/a', 'list/b', 'list/c/d'],
      );
      assert.equal(all.next, undefined);
      const first = await driver.list('list/', { limit: 2 });
      assert.deepEqual(
        first.items.map((i) => i.key),
        ['list/a', 'list/b'],
      );
      assert.equal(first.next, 'list/b');
      const rest = await driver.list('list/', { after: first.next, limit: 2 });
      assert.deepEqual(
        rest.items.map((i) => i.key),
        ['list/c/d'],
      );
      assert.equal((await driver.list('nothing-here/')).items.length, 0);
    });

    it('copies an object, and answers null for a missing source', async () => {
      await driver.put('copy/src', text('copied'));
      const info = await driver.copy('copy/src', 'copy/dst');
      assert.equal(info?.size, 6);
      assert.equal(await readAll((await driver.get('copy/dst'))!.body), 'copied');
      assert.equal(await driver.copy('copy/missing', 'copy/dst2'), null);
    });

    it('refuses keys that could escape: .., absolute, NUL, backslash, lookalikes', async () => {
      const bad = [
        '../x',
        'a/../../x',
        '/etc/passwd',
        'a\u0000b',
        'a\\..\\b',
        '\uFF0E\uFF0E/x',
        'a/\uFF0E\uFF0E/b',
        'a//b',
        '',
      ];
      for (const key of bad) {
        await assert.rejects(
          driver.put(key, text('x')),
          (e: unknown) => e instanceof StorageError && e.code === 'invalid_key',
          `put ${JSON.stringify(key)}`,
        );
        await assert.rejects(driver.get(key), StorageError, `get ${JSON.stringify(key)}`);
        await assert.rejects(driver.delete(key), StorageError, `delete ${JSON.stringify(key)}`);
      }
    });

    it('stores NFC and NFD spellings of a name as the same key', async () => {
      await driver.put('unicode/caf\u00e9', text('nfc'));
      assert.equal(await readAll((await driver.get('unicode/cafe\u0301'))!.body), 'nfc');
    });

    it('refuses a body over maxSize while streaming, keeping nothing', async () => {
      const { stream } = generated(3 << 20);
      await assert.rejects(
        driver.put('big/over', stream, { maxSize: 1 << 20 }),
        (e: unknown) => e instanceof StorageError && e.code === 'too_large',
      );
      assert.equal(await driver.head('big/over'), null);
      assert.deepEqual(subject.leftovers?.() ?? [], []);
    });

    it('keeps nothing when the body fails midway (a cut connection)', async () => {
      let sent = 0;
      const failing = new Readable({
        read() {
          sent++;
          if (sent > 20) this.destroy(new Error('connection reset'));
          else this.push(Buffer.alloc(1 << 18, 7));
        },
      });
      await assert.rejects(driver.put('cut/x', failing), /connection reset/);
      assert.equal(await driver.head('cut/x'), null);
      assert.deepEqual(subject.leftovers?.() ?? [], []);
    });

    it('a fresh put stores like any put, and a fresh put that fails keeps nothing', async () => {
      const info = await driver.put('fresh/a', text('new key'), { fresh: true });
      assert.equal(info.size, 7);
      assert.equal(await readAll((await driver.get('fresh/a'))!.body), 'new key');
      let sent = 0;
      const failing = new Readable({
        read() {
          if (++sent > 20) this.destroy(new Error('connection reset'));
          else this.push(Buffer.alloc(1 << 18, 7));
        },
      });
      await assert.rejects(driver.put('fresh/cut', failing, { fresh: true }), /connection reset/);
      await assert.rejects(
        driver.put('fresh/big', Readable.from([Buffer.alloc(3000)]), { fresh: true, maxSize: 1000 }),
        { code: 'too_large' },
      );
      assert.equal(await driver.head('fresh/cut'), null);
      assert.equal(await driver.head('fresh/big'), null);
      assert.deepEqual(subject.leftovers?.() ?? [], []);
      await driver.delete('fresh/a');
    });

    it('computes the digests asked for over the stored bytes, and none unasked', async () => {
      const hex = (algorithm: string, data: string) => createHash(algorithm).update(data).digest('hex');
      const both = await driver.put('digest/a', text('digest me'), {
        fresh: true,
        digests: ['md5', 'sha256'],
      });
      assert.deepEqual(both.digests, { md5: hex('md5', 'digest me'), sha256: hex('sha256', 'digest me') });
      const { stream, digest } = generated(12 << 20);
      const big = await driver.put('digest/big', stream, { digests: ['sha256'] });
      assert.deepEqual(big.digests, { sha256: await digest });
      const empty = await driver.put('digest/empty', Readable.from([]), { digests: ['md5'] });
      assert.deepEqual(empty.digests, { md5: hex('md5', '') });
      assert.equal((await driver.put('digest/none', text('x'))).digests, undefined);
      for (const key of ['digest/a', 'digest/big', 'digest/empty', 'digest/none']) await driver.delete(key);
    });

    it('a put into a folder that a delete emptied and pruned meanwhile still lands', async () => {
      await driver.put('prune/one/a', text('a'), { fresh: true });
      await driver.delete('prune/one/a');
      const info = await driver.put('prune/one/b', text('b'), { fresh: true });
      assert.equal(info.size, 1);
      assert.equal(await readAll((await driver.get('prune/one/b'))!.body), 'b');
      await driver.delete('prune/one/b');
      assert.deepEqual(subject.leftovers?.() ?? [], []);
    });

    it('streams a 40 MB object both ways with the same checksum', async () => {
      const size = 40 << 20;
      const { stream, digest } = generated(size);
      const info = await driver.put('big/ok', stream);
      assert.equal(info.size, size);
      const hash = createHash('sha256');
      for await (const chunk of (await driver.get('big/ok'))!.body) hash.update(chunk as Buffer);
      assert.equal(hash.digest('hex'), await digest);
      await driver.delete('big/ok');
    });
  });
}

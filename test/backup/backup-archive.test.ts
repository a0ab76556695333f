import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { zstdCompressSync } from 'node:zlib';
import * as tar from 'tar';
import { packArchive, unpackArchive } from '../../src/backup/backup-archive.ts';
import { BackupError } from '../../src/backup/backup-error.ts';
import type { BackupManifest, ManifestFile } from '../../src/backup/backup-manifest.ts';
import { endOfArchive, fileHeader, padding } from '../../src/backup/backup-tar.ts';

const root = mkdtempSync(join(tmpdir(), 'basalt-archive-'));
after(() => rmSync(root, { recursive: true, force: true }));

const LONG = `storage/${'c'.repeat(60)}/${'r'.repeat(40)}/photo_${'x'.repeat(30)}.jpg`;
const FILES: Record<string, Buffer> = {
  'data.db': Buffer.concat([randomBytes(200_000), Buffer.from('page '.repeat(40_000))]),
  [LONG]: randomBytes(70_000), // over 100 bytes of path: needs a pax record
  'storage/coll/rec/résumé ✓.txt': Buffer.from('not ASCII in the name'),
  'storage/coll/rec/empty.bin': Buffer.alloc(0),
};
const PATHS = Object.keys(FILES).sort();

let n = 0;
function folderWith(files: Record<string, Buffer>): string {
  const dir = join(root, `src-${n++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function manifestOf(files: ManifestFile[], format = 2): BackupManifest {
  return {
    format,
    basaltVersion: '0.1.0',
    created: new Date().toISOString(),
    database: { format: 'sqlite', file: 'data.db', migrations: [] },
    storage: true,
    files,
  };
}

const source = (path: string) => ({ stream: createReadStream(path), size: statSync(path).size });

async function packed(): Promise<string> {
  const archive = join(root, `a-${n++}.tar.zst`);
  await packArchive(folderWith(FILES), PATHS, archive, (files) => manifestOf(files));
  return archive;
}

async function expectCorrupt(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(unpackArchive(source(path), join(root, `out-${n++}`)), (err: unknown) => {
    assert.ok(err instanceof BackupError, String(err));
    assert.equal(err.code, 'backup_corrupt');
    assert.match(err.message, pattern);
    return true;
  });
}

test('pack hashes what it packs; unpack gives every file back byte for byte, the manifest last', async () => {
  const archive = await packed();
  assert.deepEqual([...readFileSync(archive).subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], 'zstd');

  // an independent tar reader sees our entries: long and non-ASCII paths whole, manifest last
  const seen: Array<[string, number]> = [];
  await tar.t({ file: archive, onReadEntry: (e) => void seen.push([e.path, e.size ?? 0]) });
  assert.deepEqual(
    seen.map(([p]) => p),
    [...PATHS, 'manifest.json'],
  );
  for (const [path, size] of seen.slice(0, -1)) assert.equal(size, FILES[path].length, path);

  const out = join(root, 'unpacked');
  const manifest = await unpackArchive(source(archive), out);
  assert.equal(manifest.format, 2);
  assert.deepEqual(
    manifest.files,
    PATHS.map((path) => ({ path, size: FILES[path].length, sha256: sha(FILES[path]) })),
  );
  for (const path of PATHS) assert.deepEqual(readFileSync(join(out, path)), FILES[path], path);
  assert.equal(existsSync(join(out, 'manifest.json')), false, 'the manifest stays in memory');
});

test('a format 1 archive (tar + gzip, manifest first) is still read', async () => {
  const dir = folderWith(FILES);
  const files = PATHS.map((path) => ({ path, size: FILES[path].length, sha256: sha(FILES[path]) }));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifestOf(files, 1)));
  const archive = join(root, 'format-1.tar.gz');
  await tar.create({ file: archive, cwd: dir, gzip: true, portable: true }, ['manifest.json', ...PATHS]);
  const manifest = await unpackArchive(source(archive), join(root, 'out-format-1'));
  assert.equal(manifest.format, 1);
  assert.deepEqual(readFileSync(join(root, 'out-format-1', LONG)), FILES[LONG]);
});

test('a truncated or flipped archive is damaged, wherever it is cut', async () => {
  const whole = readFileSync(await packed());
  // Node's zstd stream closes with an empty 13-byte frame after the data's frame; cutting
  // into that one loses nothing (and zstd cannot tell), so the last cut is just before it
  for (const keep of [10, Math.floor(whole.length / 2), whole.length - 14]) {
    const cut = join(root, `cut-${keep}.tar.zst`);
    writeFileSync(cut, whole.subarray(0, keep));
    await expectCorrupt(cut, /damaged/);
  }
  const flipped = Buffer.from(whole);
  flipped[Math.floor(flipped.length / 3)] ^= 0xff;
  writeFileSync(join(root, 'flipped.tar.zst'), flipped);
  await expectCorrupt(join(root, 'flipped.tar.zst'), /damaged/);
});

test('a file that is no archive, or whose manifest is missing, is damaged', async () => {
  writeFileSync(join(root, 'plain.txt'), 'just some text, not compressed');
  await expectCorrupt(join(root, 'plain.txt'), /neither zstd- nor gzip-compressed/);
  const noManifest = Buffer.concat([
    fileHeader('data.db', 3, new Date()),
    Buffer.from('abc'),
    padding(3),
    endOfArchive(),
  ]);
  writeFileSync(join(root, 'no-manifest.tar.zst'), zstdCompressSync(noManifest));
  await expectCorrupt(join(root, 'no-manifest.tar.zst'), /has no manifest\.json/);
});

test('entries that would land outside the staging folder, or are links, are refused', async () => {
  const evil = Buffer.concat([
    fileHeader('../escaped.txt', 4, new Date()),
    Buffer.from('evil'),
    padding(4),
    endOfArchive(),
  ]);
  writeFileSync(join(root, 'escape.tar.zst'), zstdCompressSync(evil));
  await expectCorrupt(join(root, 'escape.tar.zst'), /unsafe path/);
  assert.equal(existsSync(join(root, 'escaped.txt')), false);

  const dir = folderWith({ 'target.txt': Buffer.from('x') });
  const link = join(dir, 'link');
  (await import('node:fs')).symlinkSync('/etc/passwd', link);
  await tar.create({ file: join(root, 'link.tar.gz'), cwd: dir, gzip: true }, ['link']);
  await expectCorrupt(join(root, 'link.tar.gz'), /not a file or a folder/);
});

test('an archive is read from any stream, e.g. one coming from S3, in pieces of any size', async () => {
  const bytes = readFileSync(await packed());
  // 3-byte pieces first: even the compression magic arrives split
  const pieces = [0, 3, 6, 9].map((at) => bytes.subarray(at, at + 3));
  for (let at = 12; at < bytes.length; at += 1000) pieces.push(bytes.subarray(at, at + 1000));
  const manifest = await unpackArchive(
    { stream: Readable.from(pieces), size: bytes.length },
    join(root, 'out-stream'),
  );
  assert.equal(manifest.files.length, PATHS.length);
});

test('a store that fails mid-download is not reported as a damaged archive', async () => {
  const bytes = readFileSync(await packed());
  async function* dropped() {
    yield bytes.subarray(0, 1000);
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  }
  const stream = Readable.from(dropped());
  await assert.rejects(
    unpackArchive({ stream, size: bytes.length }, join(root, 'out-dropped')),
    (err: unknown) => {
      assert.ok(!(err instanceof BackupError), 'the archive may be fine: not backup_corrupt');
      assert.match(String(err), /socket hang up/);
      return true;
    },
  );
});

test('a file of 8 GiB or more gets its size in a pax record (ustar holds 11 octal digits)', () => {
  const header = fileHeader('data.db', 2 ** 33, new Date(0));
  assert.equal(header.length, 512 * 3, 'pax header, pax body, ustar header');
  assert.match(header.subarray(512, 1024).toString('utf8'), /^\d+ size=8589934592\n/);
  assert.equal(fileHeader('data.db', 2 ** 33 - 1, new Date(0)).length, 512);
});

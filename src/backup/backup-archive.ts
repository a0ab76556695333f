import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import { BackupError } from './backup-error.ts';
import { bufferReleaser } from '../lib/buffer-release.ts';
import {
  type BackupManifest,
  MANIFEST_NAME,
  type ManifestFile,
  manifestProblems,
} from './backup-manifest.ts';
import { endOfArchive, fileHeader, padding, readTar, TarError, type TarEntry } from './backup-tar.ts';

/** Bytes done out of a total, for progress bars. */
export type ByteProgress = (done: number, total: number) => void;

/**
 * zstd level 1: on database pages and stored files it compresses about as well as gzip
 * (level 3 gained under 1% on the bench data at 0.75× the speed) and runs 6–8× faster.
 * The compression runs on libuv's thread pool, beside the hashing on the main thread.
 */
const ZSTD_LEVEL = 1;
/**
 * Buffer sizes: large enough for few system calls and thread-pool hops, small enough that
 * the buffers used between two collections (see lib/buffer-release.ts) stay a few MB. 256 KiB
 * chunks were no faster on the bench and left more memory behind.
 */
const READ_CHUNK = 64 * 1024;
/** output chunks of the (de)compressor: zlib's default */
const ZLIB_CHUNK = 16 * 1024;
/** unpacked pieces are gathered up to this size into one write */
const WRITE_BATCH = 256 * 1024;
/** A manifest larger than this is not one Basalt wrote (about 1.5 million files). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** The compression an archive starts with: zstd (format 2), gzip (format 1), or null. */
export function archiveCompression(head: Buffer): 'zstd' | 'gzip' | null {
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  return null;
}

/**
 * Packs the files at `paths` under `root` into a zstd-compressed tar at `archivePath`,
 * reading each file once: its SHA-256 is computed from the same chunks that go into the
 * archive. `seal` turns the checksums into the manifest, which is the last entry, so it
 * vouches for everything before it. Answers that manifest.
 */
export async function packArchive(
  root: string,
  paths: string[],
  archivePath: string,
  seal: (files: ManifestFile[]) => BackupManifest,
  onProgress?: ByteProgress,
): Promise<BackupManifest> {
  const total = await sizeOf(root, paths);
  const release = bufferReleaser();
  let done = 0;
  const counted = (n: number) => {
    release(n);
    done += n;
    onProgress?.(Math.min(done, total), total);
  };
  let manifest: BackupManifest | undefined;
  async function* entries(): AsyncGenerator<Buffer> {
    const files: ManifestFile[] = [];
    for (const path of paths) files.push(yield* fileEntry(root, path, counted));
    manifest = seal(files);
    const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    yield fileHeader(MANIFEST_NAME, json.length, new Date(manifest.created));
    yield json;
    yield padding(json.length);
    yield endOfArchive();
  }
  const compress = createZstdCompress({
    chunkSize: ZLIB_CHUNK,
    params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL, [constants.ZSTD_c_checksumFlag]: 1 },
  });
  await pipeline(entries, compress, createWriteStream(archivePath, { highWaterMark: WRITE_BATCH }));
  return manifest as BackupManifest;
}

async function sizeOf(root: string, paths: string[]): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await stat(join(root, path))).size;
  return total;
}

/** One file as tar blocks, hashed on the way; answers its manifest entry. */
async function* fileEntry(
  root: string,
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<Buffer, ManifestFile> {
  const handle = await open(join(root, path), 'r');
  try {
    const { size, mtime } = await handle.stat();
    yield fileHeader(path, size, mtime);
    const hash = createHash('sha256');
    for (let at = 0; at < size; ) {
      // a fresh buffer per chunk: the compressor may still hold the previous one
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - at));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, at);
      if (!bytesRead) throw new Error(`${path} became shorter while it was packed`);
      const piece = chunk.subarray(0, bytesRead);
      hash.update(piece);
      at += bytesRead;
      onBytes(bytesRead);
      yield piece;
    }
    yield padding(size);
    return { path, size, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/** An archive to read: its bytes and their count (for progress). */
export interface ArchiveSource {
  stream: Readable;
  size: number;
}

/**
 * Unpacks an archive into `staging` (created; must not hold anything else) and proves it
 * against its manifest, hashing each file as it is written (one pass, nothing read
 * back): every listed file present with its size and SHA-256, nothing unlisted. Reads
 * format 2 (zstd, manifest last) and format 1 (gzip, manifest first). Answers the
 * manifest. Any damage (bad compression, a truncated tar, a checksum that does not
 * match, a missing or extra file) is a `backup_corrupt` error; a failing disk is not.
 */
export async function unpackArchive(
  source: ArchiveSource,
  staging: string,
  onProgress?: ByteProgress,
): Promise<BackupManifest> {
  await mkdir(staging, { recursive: true });
  let read = 0;
  const counted = (n: number) => {
    read += n;
    onProgress?.(Math.min(read, source.size), source.size);
  };
  const found = new Map<string, { size: number; sha256: string }>();
  let manifestJson: Buffer | null = null;
  const onEntry = async (entry: TarEntry, body: AsyncIterable<Buffer>) => {
    if (entry.type === 'directory') return;
    if (entry.path === MANIFEST_NAME) manifestJson = await collect(body, entry.size);
    else if (found.has(entry.path)) throw corrupt(`the archive holds ${entry.path} twice`);
    else found.set(entry.path, await writeEntry(staging, entry.path, body));
  };
  try {
    await pipeline(source.stream, decompress(counted), (plain: AsyncIterable<Buffer>) =>
      readTar(plain, onEntry),
    );
  } catch (err) {
    throw readProblem(err);
  }
  const manifest = parseManifest(manifestJson);
  checkFiles(manifest, found);
  return manifest;
}

/**
 * A pipeline step that picks the decompressor from the archive's first bytes, then passes
 * everything through it, counting the compressed bytes for progress.
 */
function decompress(onRaw: (n: number) => void) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const chunks = source[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    while (head.length < 4) {
      const next = await chunks.next();
      if (next.done) break;
      head = Buffer.concat([head, next.value]);
    }
    yield* inflated(head, chunks, onRaw);
  };
}

async function* inflated(
  head: Buffer,
  chunks: AsyncIterator<Buffer>,
  onRaw: (n: number) => void,
): AsyncGenerator<Buffer> {
  const kind = archiveCompression(head);
  if (!kind) throw corrupt('it is neither zstd- nor gzip-compressed, so not an archive Basalt made');
  const options = { chunkSize: ZLIB_CHUNK };
  const inflate = kind === 'zstd' ? createZstdDecompress(options) : createGunzip(options);
  async function* all(): AsyncGenerator<Buffer> {
    onRaw(head.length);
    yield head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      onRaw(next.value.length);
      yield next.value;
    }
  }
  const done = pipeline(all, inflate);
  done.catch(() => {}); // its failure also ends the iteration below, which rethrows it
  const release = bufferReleaser();
  for await (const out of inflate) {
    release(out.length);
    yield out;
  }
  await done;
}

/** Writes one file under `staging`, answering its size and SHA-256. */
async function writeEntry(
  staging: string,
  path: string,
  body: AsyncIterable<Buffer>,
): Promise<{ size: number; sha256: string }> {
  const target = join(staging, safePath(path));
  await mkdir(dirname(target), { recursive: true });
  const handle = await open(target, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  let batch: Buffer[] = [];
  let batched = 0;
  try {
    for await (const piece of body) {
      hash.update(piece);
      size += piece.length;
      batch.push(piece);
      batched += piece.length;
      if (batched < WRITE_BATCH) continue;
      await writeAll(handle, batch, batched);
      batch = [];
      batched = 0;
    }
    await writeAll(handle, batch, batched);
  } finally {
    await handle.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/** Writes `pieces` (`total` bytes) in one call, finishing a short write piece by piece. */
async function writeAll(handle: FileHandle, pieces: Buffer[], total: number): Promise<void> {
  if (!total) return;
  const { bytesWritten } = await handle.writev(pieces);
  if (bytesWritten === total) return;
  const rest = Buffer.concat(pieces).subarray(bytesWritten);
  for (let at = 0; at < rest.length; ) at += (await handle.write(rest, at)).bytesWritten;
}

/** A tar path as a relative path inside the staging folder, or a `backup_corrupt` error. */
function safePath(path: string): string {
  const parts = path.split('/');
  if (!path || path.includes('\\') || path.includes('\0') || parts.some((p) => !p || p === '.' || p === '..'))
    throw corrupt(`the archive holds an unsafe path ${JSON.stringify(path)}`);
  return join(...parts);
}

async function collect(body: AsyncIterable<Buffer>, size: number): Promise<Buffer> {
  if (size > MAX_MANIFEST_BYTES) throw corrupt(`its ${MANIFEST_NAME} is ${size} bytes, too large to be one`);
  const parts: Buffer[] = [];
  for await (const piece of body) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

function parseManifest(json: Buffer | null): BackupManifest {
  if (!json) throw corrupt(`the archive has no ${MANIFEST_NAME} (is it truncated?)`);
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw corrupt(`the archive's ${MANIFEST_NAME} is not readable JSON`, err);
  }
  const problems = manifestProblems(value);
  if (problems.length) throw corrupt(problems.join('; '));
  return value as BackupManifest;
}

function checkFiles(manifest: BackupManifest, found: Map<string, { size: number; sha256: string }>): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  const extra = [...found.keys()].filter((p) => !listed.has(p));
  if (extra.length)
    throw corrupt(`the archive holds files its manifest does not list: ${extra.slice(0, 3).join(', ')}`);
  for (const file of manifest.files) {
    const actual = found.get(file.path);
    if (!actual) throw corrupt(`${file.path} is missing (the archive is truncated?)`);
    if (actual.size !== file.size || actual.sha256 !== file.sha256)
      throw corrupt(`${file.path} does not match its checksum (${actual.size} bytes, expected ${file.size})`);
  }
}

/**
 * Damage in the archive (the tar reader's or the decompressor's complaints) becomes
 * `backup_corrupt`; anything else (a full disk, a dropped connection to S3) is passed on
 * as it is, since the archive itself may be fine.
 */
function readProblem(err: unknown): unknown {
  if (err instanceof BackupError) return err;
  const code = String((err as NodeJS.ErrnoException).code ?? '');
  if (err instanceof TarError || code.startsWith('Z_') || code.startsWith('ZSTD_'))
    return corrupt(`the archive cannot be read (${(err as Error).message})`, err);
  return err;
}

function corrupt(detail: string, cause?: unknown): BackupError {
  return new BackupError('backup_corrupt', `The backup archive is damaged: ${detail}.`, { cause });
}

/** Removes a staging folder, ignoring one that is already gone. */
export async function removeStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
}

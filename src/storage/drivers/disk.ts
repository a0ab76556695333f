/**
 * The local filesystem driver: one file per object under a root directory. Writes go
 * to a temp file in `<root>.basalt-tmp` beside the root (or `<root>/.basalt-tmp` when
 * the root is a mount point or its parent is read-only: rename must stay on one
 * filesystem), are flushed to disk under the `full` sync profile, then renamed over the
 * target, so readers never see a partial object and a crash leaves at most a temp file,
 * which the next start removes.
 * Keeping temp files outside the root keeps them out of anything that walks it (backups
 * hard-link the tree: a temp file linked there and renamed meanwhile would appear twice).
 */
import { randomUUID } from 'node:crypto';
import { rename, type Stats } from 'node:fs';
import { copyFile, type FileHandle, mkdir, open, readdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  type ByteRange,
  type Digests,
  type ListPage,
  type PutOptions,
  type StorageDriver,
  StorageError,
  type StorageObjectInfo,
  type StorageSync,
} from '../storage-driver.ts';
import { fsyncPath } from '../../lib/fsync.ts';
import { checkKey, checkPrefix } from '../storage-key.ts';
import { flushFolder, type ReadyFolder, readyFolder, releaseFolder } from './disk-folder.ts';
import { releaseBuffers, writeNewFile } from './disk-write.ts';

// the callback API: each fs/promises call costs a FileHandle or promise plumbing more, and uploads make several
const renameAsync = promisify(rename);
const ignore = () => {};

const TMP = '.basalt-tmp';

/**
 * Opens the disk driver at `root` (created when missing); stale temp files are removed.
 * `sync` says what a resolved put survives: `full` flushes the file and the folders its
 * name is in first (power loss), `normal` does not (a process crash).
 */
export async function openDiskStorage(root: string, options: { sync: StorageSync }): Promise<StorageDriver> {
  const abs = resolve(root);
  await mkdir(abs, { recursive: true });
  await rm(join(abs, TMP), { recursive: true, force: true });
  return new DiskStorage(abs, await tempDirFor(abs), options.sync === 'full');
}

/** A fresh temp folder on the root's filesystem, beside the root when possible. */
async function tempDirFor(root: string): Promise<string> {
  const beside = `${root}${TMP}`;
  try {
    await rm(beside, { recursive: true, force: true });
    await mkdir(beside, { recursive: true });
    if ((await stat(beside)).dev === (await stat(root)).dev) return beside;
    await rm(beside, { recursive: true, force: true });
  } catch {}
  const inside = join(root, TMP);
  await mkdir(inside, { recursive: true });
  return inside;
}

const isMissing = (error: unknown) =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

class DiskStorage implements StorageDriver {
  readonly capabilities = { metadata: false };
  readonly #root: string;
  readonly #tmp: string;
  readonly #knownDirs = new Set<string>();
  /** flush files and folders before a write resolves (the `full` sync profile) */
  readonly #flush: boolean;

  constructor(root: string, tmp: string, flush: boolean) {
    this.#root = root;
    this.#tmp = tmp;
    this.#flush = flush;
  }

  /** The file path of a key; refuses any key that could land outside the root. */
  #path(key: string): string {
    const checked = checkKey(key);
    if (checked === TMP || checked.startsWith(`${TMP}/`)) {
      throw new StorageError('invalid_key', `Keys under ${TMP}/ are reserved for temp files.`);
    }
    const path = resolve(this.#root, ...checked.split('/'));
    if (!path.startsWith(this.#root + sep))
      throw new StorageError('invalid_key', 'The key escapes the root.');
    return path;
  }

  #info(key: string, s: { size: number; mtime: Date; mtimeMs: number }): StorageObjectInfo {
    const etag = `"${Math.trunc(s.mtimeMs * 1000).toString(16)}-${s.size.toString(16)}"`;
    return { key: checkKey(key), size: s.size, modified: s.mtime, etag };
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StorageObjectInfo> {
    const path = this.#path(key);
    const tmp = join(this.#tmp, randomUUID());
    // the folder is made and opened while the bytes arrive, not after the last one (disk-folder.ts)
    const folder = this.#readyFolder(dirname(path));
    let written: { stats: Stats; digests?: Digests };
    try {
      const write = { maxSize: options.maxSize, digests: options.digests, flush: this.#flush };
      if (options.fresh) {
        // nothing reads a fresh key before the put resolves, so the file may take its name
        // while its data is flushed (and hashed): the file's and the folders' flushes overlap
        // (on ext4 and XFS they become one journal commit) instead of following each other
        written = await writeNewFile(tmp, body, {
          ...write,
          alongside: () => this.#renameInto(tmp, path, folder),
        });
      } else {
        written = await writeNewFile(tmp, body, write);
        await this.#renameInto(tmp, path, folder);
      }
    } catch (error) {
      folder.then(releaseFolder, ignore);
      await rm(tmp, { force: true });
      // a fresh key is this put's own: a half-flushed file that already took the name goes too
      if (options.fresh) await rm(path, { force: true });
      // and so does a folder made for it that stayed empty
      await this.#prune(dirname(path));
      throw error;
    }
    const info = this.#info(key, written.stats);
    return written.digests ? { ...info, digests: written.digests } : info;
  }

  async get(key: string, range?: ByteRange): Promise<{ info: StorageObjectInfo; body: Readable } | null> {
    const path = this.#path(key);
    // open first, so the info and the bytes come from the same file even if it is replaced meanwhile
    const handle = await open(path).catch((error) => (isMissing(error) ? null : Promise.reject(error)));
    if (!handle) return null;
    const s = await handle.stat();
    if (!s.isFile()) {
      await handle.close();
      return null;
    }
    const body = releasingStream(handle, range ? { start: range.start, end: range.end } : {});
    return { info: this.#info(key, s), body };
  }

  async head(key: string): Promise<StorageObjectInfo | null> {
    const s = await stat(this.#path(key)).catch((error) => (isMissing(error) ? null : Promise.reject(error)));
    return s?.isFile() ? this.#info(key, s) : null;
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await unlink(path).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)));
    await this.#prune(dirname(path));
  }

  /** Removes `dir` and its parents up to the root while they are empty, so the tree does not fill with empty record folders. */
  async #prune(dir: string): Promise<void> {
    for (; dir.startsWith(this.#root + sep); dir = dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }

  async list(prefix: string, options: { after?: string; limit?: number } = {}): Promise<ListPage> {
    const checked = checkPrefix(prefix);
    const limit = options.limit ?? 1000;
    const slash = checked.lastIndexOf('/');
    const base = slash < 0 ? '' : checked.slice(0, slash);
    const keys = (await this.#walk(base)).filter(
      (k) => k.startsWith(checked) && (options.after === undefined || k > options.after),
    );
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const page = keys.slice(0, limit);
    const items: StorageObjectInfo[] = [];
    for (const key of page) {
      const info = await this.head(key);
      if (info) items.push(info);
    }
    return keys.length > limit ? { items, next: page.at(-1) } : { items };
  }

  /** Every key under the folder `base` ('' for the root), temp files excluded. */
  async #walk(base: string): Promise<string[]> {
    const dir = base ? join(this.#root, ...base.split('/')) : this.#root;
    const entries = await readdir(dir, { withFileTypes: true }).catch((error) =>
      isMissing(error) ? [] : Promise.reject(error),
    );
    const keys: string[] = [];
    for (const entry of entries) {
      const key = base ? `${base}/${entry.name}` : entry.name;
      if (key === TMP) continue;
      if (entry.isDirectory()) keys.push(...(await this.#walk(key)));
      else if (entry.isFile()) keys.push(key);
    }
    return keys;
  }

  async copy(from: string, to: string): Promise<StorageObjectInfo | null> {
    const source = this.#path(from);
    const target = this.#path(to);
    const tmp = join(this.#tmp, randomUUID());
    try {
      await copyFile(source, tmp);
      if (this.#flush) await fsyncPath(tmp);
      await this.#renameInto(tmp, target, this.#readyFolder(dirname(target)));
    } catch (error) {
      await rm(tmp, { force: true });
      if (isMissing(error)) return null;
      throw error;
    }
    return this.#info(to, await stat(target));
  }

  /** `dir` made (and opened, when flushed); a failure waits for whoever awaits the answer. */
  #readyFolder(dir: string): Promise<ReadyFolder> {
    const ready = readyFolder(dir, this.#knownDirs.has(dir), this.#flush);
    // awaited only once the bytes are written: until then a failure must not count as unhandled
    ready.catch(ignore);
    return ready;
  }

  /**
   * Moves a temp file to its place in the ready folder and, when flushing, makes the move
   * durable: the folder is flushed, and so is the parent of every folder made for it, so
   * after a crash the file is under its name or (not acknowledged yet) only in the temp
   * folder. Without flushing, the rename is in the OS once it returns (a process crash
   * keeps it).
   */
  async #renameInto(tmp: string, path: string, ready: Promise<ReadyFolder>): Promise<void> {
    let folder = await ready;
    try {
      try {
        await renameAsync(tmp, path);
      } catch (error) {
        // a concurrent delete pruned the (empty) folder after it was made: make it again, once
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        this.#knownDirs.delete(folder.dir);
        releaseFolder(folder);
        folder = await readyFolder(folder.dir, false, this.#flush);
        await renameAsync(tmp, path);
      }
      this.#rememberDir(folder.dir);
      if (this.#flush) await flushFolder(folder);
    } finally {
      releaseFolder(folder);
    }
  }

  /** Folders known to exist skip a mkdir; bounded, and a stale entry only costs a retried rename. */
  #rememberDir(dir: string): void {
    if (this.#knownDirs.size >= 4096) this.#knownDirs.clear();
    this.#knownDirs.add(dir);
  }

  async close(): Promise<void> {}
}

/**
 * A read stream over `handle` that counts what it hands out toward the next minor
 * collection (releaseBuffers); counted where it pushes, so no stage sits between the
 * file and the socket.
 */
function releasingStream(handle: FileHandle, range: { start?: number; end?: number }): Readable {
  const stream = handle.createReadStream(range);
  const push = stream.push.bind(stream);
  stream.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
    if (chunk) releaseBuffers(chunk.length);
    return push(chunk, encoding);
  };
  return stream;
}

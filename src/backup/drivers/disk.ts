import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncPath } from '../../lib/fsync.ts';
import { type BackupObject, type BackupStore, isSafeKey } from '../backup-store.ts';

/** A backup store in a local folder (by default `<dir>/backups`), created on first write. */
export class DiskBackupStore implements BackupStore {
  readonly location: string;
  readonly #folder: string;

  constructor(folder: string) {
    this.#folder = folder;
    this.location = folder;
  }

  async list(): Promise<BackupObject[]> {
    let names: string[];
    try {
      names = await readdir(this.#folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: BackupObject[] = [];
    for (const key of names) {
      if (!isSafeKey(key) || key.endsWith('.partial')) continue;
      const info = await stat(join(this.#folder, key)).catch(() => null);
      if (info?.isFile()) out.push({ key, size: info.size, modified: info.mtime });
    }
    return out.sort((a, b) => b.modified.getTime() - a.modified.getTime() || b.key.localeCompare(a.key));
  }

  async exists(key: string): Promise<boolean> {
    if (!isSafeKey(key)) return false;
    return (await stat(join(this.#folder, key)).catch(() => null))?.isFile() ?? false;
  }

  async put(key: string, localFile: string): Promise<void> {
    await mkdir(this.#folder, { recursive: true });
    const partial = join(this.#folder, `${key}.partial`);
    // a rename of a local file is cheap; a copy lands beside the target first
    await rename(localFile, partial).catch(() => copyFile(localFile, partial));
    // the archive's bytes, then its name, are on disk before the backup is reported kept:
    // after a power loss a listed backup is a whole one
    await fsyncPath(partial);
    await rename(partial, join(this.#folder, key));
    await fsyncPath(this.#folder);
  }

  async get(key: string): Promise<{ stream: ReturnType<typeof createReadStream>; size: number } | null> {
    if (!(await this.exists(key))) return null;
    const path = join(this.#folder, key);
    return { stream: createReadStream(path), size: (await stat(path)).size };
  }

  async delete(key: string): Promise<void> {
    if (isSafeKey(key)) await rm(join(this.#folder, key), { force: true });
  }

  localPath(key: string): string | null {
    return isSafeKey(key) ? join(this.#folder, key) : null;
  }

  async close(): Promise<void> {}
}

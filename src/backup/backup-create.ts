import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DbDriver } from '../db/index.ts';
import { inspectSnapshot } from '../db/index.ts';
import { packArchive } from './backup-archive.ts';
import { BackupError } from './backup-error.ts';
import {
  type BackupManifest,
  DATABASE_NAME,
  listFiles,
  MANIFEST_FORMAT,
  type ManifestFile,
  STORAGE_NAME,
} from './backup-manifest.ts';
import type { BackupProgress } from './backup-verify.ts';

/** What a backup is made from. */
export interface BackupSources {
  db: DbDriver;
  /** the storage folder, or null when files are not on local disk */
  storageDir: string | null;
  /** a folder on the data dir's file system for temporary work */
  workDir: string;
  basaltVersion: string;
}

/**
 * Takes an online snapshot of the database and the storage folder and packs both, with a
 * manifest of checksums, into one archive in `workDir`. Answers the archive's path; the
 * caller moves it into a store. Nothing is left behind on failure.
 *
 * Order matters: the database is copied first, then the storage folder is frozen by hard
 * links (an upload renamed in later is not seen; a file deleted later is still linked).
 * Files added between the two steps are at worst unreferenced extras in the archive.
 */
export async function createArchive(sources: BackupSources, onProgress?: BackupProgress): Promise<string> {
  const { db } = sources;
  if (!db.capabilities.snapshot || !db.snapshot)
    throw new BackupError('backup_unsupported', 'This database driver cannot take online snapshots yet.');
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  const staging = join(sources.workDir, `.backup-staging-${id}`);
  const archive = join(sources.workDir, `.backup-${id}.tar.zst`);
  await mkdir(staging, { recursive: true });
  try {
    const created = new Date().toISOString();
    const snap = await db.snapshot(join(staging, DATABASE_NAME), (p) =>
      onProgress?.('snapshot', p.done, p.total),
    );
    if (sources.storageDir && existsSync(sources.storageDir))
      await linkTree(sources.storageDir, join(staging, STORAGE_NAME));
    const { migrations } = await inspectSnapshot(snap.format, join(staging, DATABASE_NAME), {
      integrity: false,
    });
    const storage = existsSync(join(staging, STORAGE_NAME));
    const seal = (files: ManifestFile[]): BackupManifest => ({
      format: MANIFEST_FORMAT,
      basaltVersion: sources.basaltVersion,
      created,
      database: { format: snap.format, file: DATABASE_NAME, migrations },
      storage,
      files,
    });
    await packArchive(staging, await listFiles(staging), archive, seal, (done, all) =>
      onProgress?.('pack', done, all),
    );
    return archive;
  } catch (err) {
    await rm(archive, { force: true });
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Mirrors a folder with hard links (copies where linking is not possible). */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isFile())
      await link(source, target)
        .catch(() => copyFile(source, target))
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err; // deleted since the listing: not part of the backup
        });
  }
}

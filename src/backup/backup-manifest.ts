import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * The archive layout this build writes: 2 is a zstd-compressed tar with the manifest as
 * its last entry. 1 (gzip, manifest first) is still read. A restore refuses any other.
 */
export const MANIFEST_FORMAT = 2;
/** Archive layouts this build can read and restore. */
export const READABLE_FORMATS: readonly number[] = [1, 2];
/** Name of the manifest inside an archive (the last entry; the first in format 1). */
export const MANIFEST_NAME = 'manifest.json';
/** Name of the database copy inside an archive. */
export const DATABASE_NAME = 'data.db';
/** Folder of the stored files inside an archive. */
export const STORAGE_NAME = 'storage';

/** One file of an archive, as the manifest vouches for it. */
export interface ManifestFile {
  /** path inside the archive, `/`-separated */
  path: string;
  size: number;
  /** hex SHA-256 of the content */
  sha256: string;
}

/** What an archive holds and what produced it. */
export interface BackupManifest {
  format: number;
  basaltVersion: string;
  /** ISO time the snapshot was taken */
  created: string;
  database: {
    /** the snapshot format the database driver wrote (`sqlite`: a database file) */
    format: string;
    file: string;
    /** schema migrations recorded in the copy's `_migrations` */
    migrations: string[];
  };
  /** true when the archive carries the storage folder */
  storage: boolean;
  files: ManifestFile[];
}

/** Every regular file under `root` (skipping the manifest), as archive paths, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => path !== MANIFEST_NAME)
    .sort();
}

/** Reads a manifest's JSON, answering a list of what is wrong with its shape (empty: fine). */
export function manifestProblems(value: unknown): string[] {
  const m = value as Partial<BackupManifest> | null;
  if (!m || typeof m !== 'object') return ['the manifest is not a JSON object'];
  const problems: string[] = [];
  if (typeof m.format !== 'number') problems.push('the manifest has no format number');
  if (typeof m.basaltVersion !== 'string') problems.push('the manifest names no Basalt version');
  if (typeof m.database?.format !== 'string') problems.push('the manifest names no database format');
  if (!Array.isArray(m.files)) problems.push('the manifest lists no files');
  for (const f of m.files ?? [])
    if (typeof f?.path !== 'string' || typeof f.size !== 'number' || !/^[0-9a-f]{64}$/.test(String(f.sha256)))
      problems.push(`the manifest entry ${JSON.stringify(f?.path)} is malformed`);
  return problems;
}

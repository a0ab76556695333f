import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveTargets } from './backup-swap.ts';

/** The parts of the config a backup needs. */
export interface BackupConfig {
  /** the data directory (absolute) */
  dir: string;
  databaseUrl: string;
  storageUrl: string;
}

/**
 * Where the live data is on disk: the SQLite file of `sqlite://` URLs and the folder of
 * `file://` storage. `databasePath` is null for engines that are not one local file;
 * `storageDir` is null for storage that is not a local folder (its files are not in
 * backups: back the bucket up with the object store's own versioning).
 */
export function liveTargets(config: BackupConfig): {
  databasePath: string | null;
  storageDir: string | null;
} {
  return { databasePath: sqlitePath(config.databaseUrl), storageDir: storageFolder(config.storageUrl) };
}

/** The targets of a restore, or null when the database is not a local file. */
export function restoreTargets(config: BackupConfig): LiveTargets | null {
  const { databasePath, storageDir } = liveTargets(config);
  return databasePath ? { databasePath, storageDir } : null;
}

/** The default store: `<dir>/backups`. */
export function defaultStoreFolder(config: BackupConfig): string {
  return join(config.dir, 'backups');
}

function sqlitePath(url: string): string | null {
  if (!/^sqlite:/i.test(url)) return null;
  const rest = decodeURIComponent(url.replace(/^sqlite:(\/\/)?/i, '').replace(/[?#].*$/, ''));
  if (!rest || rest === ':memory:') return null;
  return isAbsolute(rest) ? rest : resolve(process.cwd(), rest);
}

function storageFolder(url: string): string | null {
  return /^file:/i.test(url) ? fileURLToPath(url) : null;
}

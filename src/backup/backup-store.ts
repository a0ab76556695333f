import type { Readable } from 'node:stream';

/** One archive in a store. */
export interface BackupObject {
  /** the archive's name, e.g. `basalt_backup_20260101120000.tar.zst` */
  key: string;
  size: number;
  /** last modification time */
  modified: Date;
}

/**
 * Where backup archives are kept. Keys are plain file names (no folders). A store is
 * cheap to open and holds no long-lived resources beyond its client.
 *
 * - `list()` answers every archive, newest first; an empty or missing store is `[]`.
 * - `exists(key)` never throws for a missing key.
 * - `put(key, file)` copies a finished local file in; readers never see a partial
 *   archive under `key` (disk: write beside, then rename; S3: one object write).
 * - `get(key)` answers a stream of the archive, or null when there is none.
 * - `delete(key)` is idempotent: deleting a missing key is not an error.
 * - `close()` releases the client; idempotent.
 */
export interface BackupStore {
  /** where the store is, for messages (never holds credentials) */
  readonly location: string;
  list(): Promise<BackupObject[]>;
  exists(key: string): Promise<boolean>;
  put(key: string, localFile: string): Promise<void>;
  get(key: string): Promise<{ stream: Readable; size: number } | null>;
  delete(key: string): Promise<void>;
  /** the archive's path when the store is a folder on this machine (read in place, no copy) */
  localPath?(key: string): string | null;
  close(): Promise<void>;
}

/** Names a store may hold: no folders, no leading dot, nothing outside the store. */
export function isSafeKey(key: string): boolean {
  return /^[A-Za-z0-9@_][A-Za-z0-9@_.-]{0,200}$/.test(key) && !key.includes('..');
}

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectSnapshot, snapshotFormats } from '../db/index.ts';
import { SYSTEM_MIGRATIONS } from '../data/system-schema.ts';
import { type ArchiveSource, type ByteProgress, unpackArchive } from './backup-archive.ts';
import { BackupError } from './backup-error.ts';
import { type BackupManifest, DATABASE_NAME, READABLE_FORMATS } from './backup-manifest.ts';
import type { BackupStore } from './backup-store.ts';

/** Progress of a long backup step: which step, and bytes done of total. */
export type BackupProgress = (phase: string, done: number, total: number) => void;

/** An archive unpacked into a staging folder and proven sound. */
export interface VerifiedArchive {
  staging: string;
  manifest: BackupManifest;
}

/**
 * Reads `key` from the store, unpacks it into `staging` checking every checksum against
 * the manifest, then checks that this build can restore it and the database copy's own
 * integrity check. Throws `BackupError`
 * (`backup_not_found`, `backup_corrupt`, `backup_incompatible`) and touches nothing live.
 */
export async function verifyArchive(
  store: BackupStore,
  key: string,
  staging: string,
  version: string,
  onProgress?: BackupProgress,
): Promise<VerifiedArchive> {
  const source = await openArchive(store, key);
  const step: ByteProgress = (done, total) => onProgress?.('unpack', done, total);
  const manifest = await unpackArchive(source, join(staging, 'archive'), step);
  refuseIncompatible(manifest, version);
  const copy = join(staging, 'archive', manifest.database.file || DATABASE_NAME);
  const inspection = await inspectSnapshot(manifest.database.format, copy, { integrity: true });
  if (inspection.problems.length)
    throw new BackupError(
      'backup_corrupt',
      `The backup archive is damaged: the database copy in ${key} fails its integrity check: ${inspection.problems.slice(0, 3).join('; ')}.`,
    );
  return { staging: join(staging, 'archive'), manifest };
}

/**
 * The archive's bytes: read in place when the store is a local folder, else streamed
 * from the store straight into the unpacking (never saved whole first).
 */
async function openArchive(store: BackupStore, key: string): Promise<ArchiveSource> {
  const local = store.localPath?.(key);
  if (local && (await store.exists(key)))
    return { stream: createReadStream(local, { highWaterMark: 64 * 1024 }), size: (await stat(local)).size };
  const found = await store.get(key);
  if (!found)
    throw new BackupError('backup_not_found', `There is no backup named ${key} in ${store.location}.`);
  return found;
}

/** Throws `backup_incompatible` for archives this build must not restore. */
export function refuseIncompatible(manifest: BackupManifest, version: string): void {
  const refuse = (why: string) => {
    throw new BackupError(
      'backup_incompatible',
      `This backup cannot be restored by Basalt ${version}: ${why}.`,
    );
  };
  if (!READABLE_FORMATS.includes(manifest.format))
    refuse(
      `its archive format is ${manifest.format}, this build reads formats ${READABLE_FORMATS.join(' and ')}`,
    );
  if (compareVersions(manifest.basaltVersion, version) > 0)
    refuse(`it was made by the newer Basalt ${manifest.basaltVersion}; upgrade Basalt first`);
  if (!snapshotFormats().includes(manifest.database.format))
    refuse(`its database snapshot format "${manifest.database.format}" is unknown here`);
  const known = new Set(SYSTEM_MIGRATIONS.map((m) => `system:${m.name}`));
  const unknown = manifest.database.migrations.filter((m) => m.startsWith('system:') && !known.has(m));
  if (unknown.length) refuse(`its database has system migrations this build does not know (${unknown[0]})`);
}

/** Compares dotted numeric versions (`0.10.2` > `0.9.9`); pre-release tails are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.+-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { beginJournal } from './backup-journal.ts';
import { DATABASE_NAME, STORAGE_NAME } from './backup-manifest.ts';

/** The live places a restore replaces. */
export interface LiveTargets {
  /** the database file (its `-wal` and `-shm` companions move with it) */
  databasePath: string;
  /** the storage folder, or null when files live elsewhere (e.g. S3) */
  storageDir: string | null;
}

/** A swap done but not yet proven: `commit` drops the previous data, `rollback` puts it back. */
export interface PendingSwap {
  /** where the previous data waits until commit */
  previousDir: string;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Moves a verified staging folder (`data.db`, optional `storage/`) into the live places.
 * Every live path is first renamed into `previousDir` (same file system: each move is an
 * atomic rename), then the new ones are renamed in. If any move fails, what was moved is
 * put back before the error is rethrown, so the live data is never left half-replaced.
 * The database must be closed while this runs.
 */
export async function swapIn(
  staging: string,
  targets: LiveTargets,
  previousDir: string,
): Promise<PendingSwap> {
  await mkdir(previousDir, { recursive: true });
  const lives = ['', '-wal', '-shm', '-journal'].map((suffix) => targets.databasePath + suffix);
  if (targets.storageDir) lives.push(targets.storageDir);
  const plan = lives
    .filter((live) => existsSync(live))
    .map((live) => ({
      live,
      previous: join(previousDir, live === targets.storageDir ? STORAGE_NAME : basename(live)),
    }));
  // a crash from here until commit/rollback is undone at the next start (backup-journal.ts)
  const endJournal = await beginJournal(dirname(previousDir), previousDir, plan);
  const moved: Array<{ from: string; to: string }> = [];
  const move = async (from: string, to: string) => {
    await mkdir(dirname(to), { recursive: true });
    await moveOrCopy(from, to);
    moved.push({ from, to });
  };
  const undo = async () => {
    for (const { from, to } of moved.reverse()) await moveOrCopy(to, from).catch(() => {});
  };
  try {
    for (const { live, previous } of plan) await move(live, previous);
    await move(join(staging, DATABASE_NAME), targets.databasePath);
    const stagedStorage = join(staging, STORAGE_NAME);
    if (targets.storageDir && existsSync(stagedStorage)) await move(stagedStorage, targets.storageDir);
    else if (targets.storageDir) await mkdir(targets.storageDir, { recursive: true });
  } catch (err) {
    await undo();
    await endJournal();
    throw err;
  }
  return {
    previousDir,
    async commit() {
      await rm(previousDir, { recursive: true, force: true });
      await endJournal();
    },
    async rollback() {
      // the new data goes away first, so the old can take its place again
      for (const suffix of ['-wal', '-shm', '-journal'])
        await rm(targets.databasePath + suffix, { force: true });
      if (targets.storageDir) await rm(targets.storageDir, { recursive: true, force: true });
      await rm(targets.databasePath, { force: true });
      for (const { from, to } of [...moved].reverse())
        if (!from.startsWith(staging)) await moveOrCopy(to, from);
      await rm(previousDir, { recursive: true, force: true });
      await endJournal();
    },
  };
}

/** A rename, or a copy then delete where the paths are on different file systems. */
async function moveOrCopy(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  }
}

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The file that records a swap in progress, in the data dir. */
export const JOURNAL_NAME = '.restore-journal.json';

/** A swap in progress: each live path and where its previous content waits. */
interface Journal {
  id: string;
  previousDir: string;
  moves: Array<{ live: string; previous: string }>;
}

/** Swaps running in this process; their journals are not stale. */
const ACTIVE = new Set<string>();

/**
 * Writes the journal of a swap before its first move (written beside, then renamed, so
 * it is whole or absent). Answers a function that removes it once the swap is committed
 * or rolled back.
 */
export async function beginJournal(
  dataDir: string,
  previousDir: string,
  moves: Journal['moves'],
): Promise<() => Promise<void>> {
  const journal: Journal = { id: randomUUID(), previousDir, moves };
  const path = join(dataDir, JOURNAL_NAME);
  await writeFile(`${path}.tmp`, JSON.stringify(journal));
  await rename(`${path}.tmp`, path);
  ACTIVE.add(journal.id);
  return async () => {
    await rm(path, { force: true });
    ACTIVE.delete(journal.id);
  };
}

/**
 * Puts the previous data back after a process died in the middle of a restore (the
 * journal is there, the swap is not running here, and its previous data still exists).
 * Runs before the database opens. Answers true when it rolled something back.
 */
export async function recoverInterruptedRestore(dataDir: string): Promise<boolean> {
  const path = join(dataDir, JOURNAL_NAME);
  if (!existsSync(path)) return false;
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    await rm(path, { force: true }); // a torn journal was written before any move
    return false;
  }
  if (ACTIVE.has(journal.id)) return false;
  let restored = false;
  // no previous folder: the swap had been committed, the new data is the data
  if (existsSync(journal.previousDir)) {
    for (const { live, previous } of journal.moves) {
      if (!existsSync(previous)) continue;
      await rm(live, { recursive: true, force: true });
      await rename(previous, live);
      restored = true;
    }
    await rm(journal.previousDir, { recursive: true, force: true });
  }
  await rm(path, { force: true });
  return restored;
}

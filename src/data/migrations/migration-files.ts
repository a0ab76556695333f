import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Collection } from '../collection-types.ts';

/**
 * Schema as code: every schema change made through the API is written as a JSON
 * migration file, so `basalt migrate` can replay it on another data dir. A file holds
 * the whole definition after the change (not a diff), which keeps replays idempotent.
 */
export interface MigrationFile {
  basalt: 1;
  created: string;
  operations: MigrationOperation[];
}

export type MigrationOperation =
  | { action: 'upsert'; collection: Collection }
  | { action: 'delete'; collection: { id: string; name: string } };

let lastStamp = 0;

/** A sortable, unique file name: `<unix ms>_<action>_<collection>.json`. */
export function migrationFileName(op: MigrationOperation): string {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return `${lastStamp}_${op.action === 'delete' ? 'deleted' : 'updated'}_${op.collection.name}.json`;
}

/** Writes a migration file atomically (temp file + rename); answers its name. */
export async function writeMigrationFile(
  dir: string,
  operations: MigrationOperation[],
  name?: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = name ?? migrationFileName(operations[0]);
  const body: MigrationFile = { basalt: 1, created: new Date().toISOString(), operations };
  const temp = join(dir, `.${file}.tmp`);
  await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`);
  await rename(temp, join(dir, file));
  return file;
}

/** Removes a migration file whose change did not commit. */
export async function removeMigrationFile(dir: string, file: string): Promise<void> {
  await rm(join(dir, file), { force: true });
}

/** Lists migration files in apply order; a missing folder has none. */
export async function listMigrationFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => /^\d+_.+\.json$/.test(f)).sort(compareNames);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function compareNames(a: string, b: string): number {
  const stampA = Number(a.split('_')[0]);
  const stampB = Number(b.split('_')[0]);
  return stampA - stampB || a.localeCompare(b);
}

/** Reads and checks one migration file; the error names the file and what is wrong. */
export async function readMigrationFile(dir: string, file: string): Promise<MigrationFile> {
  const text = await readFile(join(dir, file), 'utf8');
  let parsed: MigrationFile;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Migration ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed?.basalt !== 1 || !Array.isArray(parsed.operations)) {
    throw new Error(
      `Migration ${file} is not a Basalt migration (expected {"basalt": 1, "operations": [...]}).`,
    );
  }
  return parsed;
}

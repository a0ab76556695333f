import type { Queryable } from '../db/driver.ts';

/**
 * Migrations of Basalt's own tables, applied in order at bootstrap and recorded in
 * `_migrations` under `system:<name>`. Never edit a released step; append a new one.
 */
export interface SystemMigration {
  name: string;
  up(tx: Queryable): Promise<void>;
}

export const SYSTEM_MIGRATIONS: SystemMigration[] = [
  {
    name: '001_collections_and_params',
    async up(tx) {
      await tx.run(`CREATE TABLE IF NOT EXISTS "_collections" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "name" TEXT NOT NULL,
        "type" TEXT NOT NULL DEFAULT 'base',
        "system" BOOLEAN NOT NULL DEFAULT FALSE,
        "fields" TEXT NOT NULL DEFAULT '[]',
        "indexes" TEXT NOT NULL DEFAULT '[]',
        "listRule" TEXT DEFAULT NULL,
        "viewRule" TEXT DEFAULT NULL,
        "createRule" TEXT DEFAULT NULL,
        "updateRule" TEXT DEFAULT NULL,
        "deleteRule" TEXT DEFAULT NULL,
        "options" TEXT NOT NULL DEFAULT '{}',
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`);
      await tx.run(
        `CREATE UNIQUE INDEX IF NOT EXISTS "_collections_name_idx" ON "_collections" (lower("name"))`,
      );
      await tx.run(`CREATE TABLE IF NOT EXISTS "_params" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "value" TEXT DEFAULT NULL,
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`);
    },
  },
];

/** Creates the migrations ledger if missing (it must exist before any step is recorded). */
export async function ensureMigrationsTable(tx: Queryable): Promise<void> {
  await tx.run(
    `CREATE TABLE IF NOT EXISTS "_migrations" ("file" TEXT PRIMARY KEY NOT NULL, "applied" INTEGER NOT NULL)`,
  );
}

/** Applies every system migration not yet recorded; answers the names applied. */
export async function applySystemMigrations(tx: Queryable): Promise<string[]> {
  await ensureMigrationsTable(tx);
  const done = new Set(
    (await tx.all<{ file: string }>(`SELECT "file" FROM "_migrations"`)).map((r) => r.file),
  );
  const applied: string[] = [];
  for (const step of SYSTEM_MIGRATIONS) {
    const file = `system:${step.name}`;
    if (done.has(file)) continue;
    await step.up(tx);
    await tx.run(`INSERT INTO "_migrations" ("file", "applied") VALUES (?, ?)`, [file, Date.now()]);
    applied.push(step.name);
  }
  return applied;
}

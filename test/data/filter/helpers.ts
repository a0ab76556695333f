/** Runs a filter both ways: compiled on SQLite, and through the in-memory evaluator. */
import type { DatabaseSync } from 'node:sqlite';
import type { Collection } from '../../../src/data/collection-types.ts';
import { type CompileOptions, compileFilter, evaluateFilter } from '../../../src/data/filter/index.ts';
import { sqliteDialect } from '../../../src/db/dialects/sqlite.ts';
import { type Row, schema as defaultSchema } from './fixture.ts';

export type Extra = Partial<Omit<CompileOptions, 'dialect' | 'collection' | 'tableAlias'>>;

export function options(collection: Collection, extra: Extra = {}): CompileOptions {
  return { dialect: sqliteDialect, schema: defaultSchema, collection, tableAlias: 't', ...extra };
}

export function sqlIds(
  db: DatabaseSync,
  collection: Collection,
  filter: string,
  extra: Extra = {},
): string[] {
  const q = compileFilter(filter, options(collection, extra));
  const rows = db
    .prepare(`SELECT t.id FROM "${collection.name}" t WHERE ${q.sql} ORDER BY t.id`)
    .all(...(q.params as never[]));
  return rows.map((r) => String(r.id));
}

export function evalIds(
  stored: Record<string, Row[]>,
  collection: Collection,
  filter: string,
  extra: Extra = {},
): string[] {
  const opts = { ...options(collection, extra), records: (name: string) => stored[name] ?? [] };
  return stored[collection.name]
    .filter((r) => evaluateFilter(filter, r, opts))
    .map((r) => String(r.id))
    .sort();
}

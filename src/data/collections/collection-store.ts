import type { Queryable } from '../../db/driver.ts';
import { parseJsonOr } from '../../lib/json.ts';
import type { Collection } from '../collection-types.ts';
import { withoutSecrets } from './auth-options.ts';

const BASE_KEYS = new Set([
  'id',
  'name',
  'type',
  'system',
  'fields',
  'indexes',
  'listRule',
  'viewRule',
  'createRule',
  'updateRule',
  'deleteRule',
  'created',
  'updated',
]);

interface CollectionRow {
  id: string;
  name: string;
  type: string;
  system: number;
  fields: string;
  indexes: string;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  options: string;
  created: string;
  updated: string;
}

function fromRow(row: CollectionRow): Collection {
  return {
    id: row.id,
    name: row.name,
    type: row.type as Collection['type'],
    system: Boolean(row.system),
    fields: parseJsonOr(row.fields, []),
    indexes: parseJsonOr(row.indexes, []),
    listRule: row.listRule,
    viewRule: row.viewRule,
    createRule: row.createRule,
    updateRule: row.updateRule,
    deleteRule: row.deleteRule,
    created: row.created,
    updated: row.updated,
    ...parseJsonOr<Record<string, unknown>>(row.options, {}),
  };
}

/** Options a collection type adds (auth settings, view query…) live in one JSON column. */
function optionsOf(collection: Collection): string {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(collection)) if (!BASE_KEYS.has(key)) options[key] = value;
  return JSON.stringify(options);
}

/** Reads every stored collection definition. */
export async function loadCollections(db: Queryable): Promise<Collection[]> {
  const rows = await db.all<CollectionRow>(`SELECT * FROM "_collections" ORDER BY "created", "id"`);
  return rows.map(fromRow);
}

/** Inserts or replaces one collection definition. */
export async function saveCollection(tx: Queryable, c: Collection): Promise<void> {
  await tx.run(
    `INSERT INTO "_collections" ("id","name","type","system","fields","indexes","listRule","viewRule","createRule","updateRule","deleteRule","options","created","updated")
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
     ON CONFLICT ("id") DO UPDATE SET "name"=excluded."name","type"=excluded."type","system"=excluded."system",
       "fields"=excluded."fields","indexes"=excluded."indexes","listRule"=excluded."listRule","viewRule"=excluded."viewRule",
       "createRule"=excluded."createRule","updateRule"=excluded."updateRule","deleteRule"=excluded."deleteRule",
       "options"=excluded."options","updated"=excluded."updated"`,
    [
      c.id,
      c.name,
      c.type,
      c.system ? 1 : 0,
      JSON.stringify(c.fields),
      JSON.stringify(c.indexes),
      c.listRule,
      c.viewRule,
      c.createRule,
      c.updateRule,
      c.deleteRule,
      optionsOf(c),
      c.created,
      c.updated,
    ],
  );
}

/** Removes one collection definition. */
export async function deleteCollectionRow(tx: Queryable, id: string): Promise<void> {
  await tx.run(`DELETE FROM "_collections" WHERE "id" = ?`, [id]);
}

/** The public JSON of a collection: the common keys in PocketBase's order, then type options. */
export function collectionToJSON(collection: Collection): Record<string, unknown> {
  const c = withoutSecrets(collection);
  const out: Record<string, unknown> = {};
  for (const key of BASE_KEYS) out[key] = c[key];
  for (const [key, value] of Object.entries(c)) if (!BASE_KEYS.has(key)) out[key] = value;
  return out;
}

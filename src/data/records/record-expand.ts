import type { Queryable } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection, Field } from '../collection-types.ts';
import { isMultiValued } from '../collection-types.ts';
import { parseIndex } from '../collections/collection-index.ts';
import type { RecordContext } from './record-context.ts';
import { ALIAS, type RecordDeps, reader, ruleCondition, selectList, whereClause } from './record-deps.ts';
import { type RecordJSON, type RecordRow, recordToJSON } from './record-output.ts';
import { findVisibleByIds } from './record-read.ts';
import { relationIds } from './record-relations.ts';

/** A parsed `expand` parameter: each key holds the paths to expand below it. */
export type ExpandTree = Map<string, ExpandTree>;

/** A record being answered: its stored row (for relation ids) and its API form. */
export interface Expandable {
  row: RecordRow;
  json: RecordJSON;
}

/** Parses `a.b,c` into a tree, refusing paths deeper than `maxDepth`. */
export function parseExpand(text: string, maxDepth: number): ExpandTree {
  const root: ExpandTree = new Map();
  for (const path of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parts = path.split('.');
    if (parts.length > maxDepth) {
      throw new ApiError(
        'invalid_expand',
        `Invalid expand: "${path}" is deeper than the limit of ${maxDepth} levels.`,
      );
    }
    let node = root;
    for (const part of parts) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part))
        throw new ApiError('invalid_expand', `Invalid expand: "${path}" is not a relation path.`);
      if (!node.has(part)) node.set(part, new Map());
      node = node.get(part)!;
    }
  }
  return root;
}

/**
 * Fills `expand` on each record with the related records the caller may view, level
 * by level (one query per relation and level, never one per record).
 */
export async function expandRecords(
  deps: RecordDeps,
  collection: Collection,
  items: Expandable[],
  tree: ExpandTree,
  ctx: RecordContext,
): Promise<void> {
  for (const [key, subtree] of tree) {
    const field = collection.fields.find((f) => f.name === key && f.type === 'relation');
    if (field) await expandRelation(deps, field, items, subtree, ctx);
    else if (key.includes('_via_')) await expandBackRelation(deps, collection, key, items, subtree, ctx);
    else
      throw new ApiError(
        'invalid_expand',
        `Invalid expand: "${key}" is not a relation field of "${collection.name}".`,
      );
  }
}

async function expandRelation(
  deps: RecordDeps,
  field: Field,
  items: Expandable[],
  subtree: ExpandTree,
  ctx: RecordContext,
): Promise<void> {
  const target = field.collectionId ? deps.registry.byId(field.collectionId) : undefined;
  if (!target) return;
  const ids = [...new Set(items.flatMap((i) => relationIds(field, i.row[field.name])))];
  const related = await toExpandables(
    deps,
    target,
    await findVisibleByIds(deps, target, ids, ctx),
    subtree,
    ctx,
  );
  const byId = new Map(related.map((r) => [String(r.row.id), r.json]));
  for (const item of items) {
    const found = relationIds(field, item.row[field.name]).flatMap((id) =>
      byId.has(id) ? [byId.get(id)!] : [],
    );
    if (found.length === 0) continue;
    attach(item.json, field.name, isMultiValued(field) ? found : found[0]);
  }
}

async function expandBackRelation(
  deps: RecordDeps,
  collection: Collection,
  key: string,
  items: Expandable[],
  subtree: ExpandTree,
  ctx: RecordContext,
): Promise<void> {
  const [sourceName, fieldName] = key.split('_via_');
  const source = deps.registry.byName(sourceName);
  const field = source?.fields.find(
    (f) => f.name === fieldName && f.type === 'relation' && f.collectionId === collection.id,
  );
  if (!source || !field) {
    throw new ApiError(
      'invalid_expand',
      `Invalid expand: "${key}" does not name a relation field pointing at "${collection.name}".`,
    );
  }
  let rule: ReturnType<typeof ruleCondition>;
  try {
    rule = ruleCondition(deps, source, source.viewRule, ctx);
  } catch {
    return; // the caller may not view that collection: nothing to expand
  }
  const q = deps.db.dialect.quote;
  const ids = items.map((i) => String(i.row.id));
  const column = `${q(ALIAS)}.${q(field.name)}`;
  const holds = isMultiValued(field)
    ? `EXISTS (SELECT 1 FROM ${deps.db.dialect.jsonEach(column, 'je')} WHERE ${q('je')}.${q('value')} IN (${ids.map(() => '?').join(', ')}))`
    : `${column} IN (${ids.map(() => '?').join(', ')})`;
  const where = whereClause([{ sql: holds, params: ids }, rule]);
  const rows = await (reader(deps, ctx) as Queryable).all<RecordRow>(
    `SELECT ${selectList(deps, source)} FROM ${q(source.name)} ${q(ALIAS)}${where.sql} LIMIT 1000`,
    where.params,
  );
  const related = await toExpandables(deps, source, rows, subtree, ctx);
  const single = !isMultiValued(field) && hasUniqueIndex(source, field.name);
  for (const item of items) {
    const mine = related
      .filter((r) => relationIds(field, r.row[field.name]).includes(String(item.row.id)))
      .map((r) => r.json);
    if (mine.length) attach(item.json, key, single ? mine[0] : mine);
  }
}

async function toExpandables(
  deps: RecordDeps,
  collection: Collection,
  rows: RecordRow[],
  subtree: ExpandTree,
  ctx: RecordContext,
): Promise<Expandable[]> {
  const related = rows.map((row) => ({ row, json: recordToJSON(collection, row, ctx) }));
  if (subtree.size && related.length) await expandRecords(deps, collection, related, subtree, ctx);
  return related;
}

function attach(json: RecordJSON, key: string, value: unknown): void {
  json.expand ??= {};
  (json.expand as Record<string, unknown>)[key] = value;
}

function hasUniqueIndex(collection: Collection, fieldName: string): boolean {
  return collection.indexes.some((raw) => {
    const def = parseIndex(raw);
    return def?.unique && def.columns.length === 1 && def.columns[0].name === fieldName;
  });
}

import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import { compileFilter } from '../data/filter/index.ts';
import type { RecordRow } from '../data/records/record-output.ts';

/**
 * Whether an auth record matches a rule written from its own point of view
 * (`@request.auth` is the record itself), as `authRule` and `mfa.rule` are. An empty
 * rule matches every record; callers decide what `null` means.
 */
export async function recordMatchesRule(
  db: DbDriver,
  collections: CollectionsService,
  collection: Collection,
  record: RecordRow,
  rule: string,
  context: string,
): Promise<boolean> {
  if (!rule.trim()) return true;
  const condition = compileFilter(rule, {
    dialect: db.dialect,
    schema: { collection: (nameOrId) => collections.registry.find(nameOrId) },
    collection,
    tableAlias: 't',
    allowHiddenFields: true,
    request: {
      auth: { ...record, collectionId: collection.id, collectionName: collection.name },
      authCollection: collection,
      body: {},
      query: {},
      headers: {},
      method: 'POST',
      context,
    },
  });
  const q = db.dialect.quote;
  const match = await db.get(
    `SELECT 1 AS ok FROM ${q(collection.name)} ${q('t')} WHERE ${q('t')}.${q('id')} = ? AND (${condition.sql})`,
    [record.id as string, ...condition.params],
  );
  return Boolean(match);
}

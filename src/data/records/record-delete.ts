import type { Queryable } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection, Field } from '../collection-types.ts';
import { isMultiValued } from '../collection-types.ts';
import type { RecordContext } from './record-context.ts';
import { type RecordDeps, ruleCondition } from './record-deps.ts';
import type { RecordRow } from './record-output.ts';
import { findRow } from './record-read.ts';
import { referencingFields, relationIds } from './record-relations.ts';

/** A record removed by a delete, directly or by cascade, for after-commit events. */
export interface DeletedRecord {
  collection: Collection;
  row: RecordRow;
}

const REQUIRED_REFERENCE =
  'Failed to delete record. Make sure that the record is not part of a required relation reference.';

/**
 * Deletes a record the caller may delete (404 otherwise) inside `tx`, then settles
 * every relation pointing at it: cascade deletes referencing records, optional
 * references are cleared, and a required reference that would be left empty refuses
 * the whole delete.
 */
export async function deleteRecord(
  deps: RecordDeps,
  tx: Queryable,
  collection: Collection,
  id: string,
  ctx: RecordContext,
): Promise<DeletedRecord[]> {
  const rule = ruleCondition(deps, collection, collection.deleteRule, ctx);
  const row = await findRow(deps, collection, id, rule, { ...ctx, tx });
  if (!row) throw new ApiError('not_found');
  const deleted: DeletedRecord[] = [];
  await removeWithReferences(deps, tx, collection, row, deleted, new Set());
  return deleted;
}

async function removeWithReferences(
  deps: RecordDeps,
  tx: Queryable,
  collection: Collection,
  row: RecordRow,
  deleted: DeletedRecord[],
  visiting: Set<string>,
): Promise<void> {
  const key = `${collection.id}/${row.id}`;
  if (visiting.has(key)) return;
  visiting.add(key);
  for (const { collection: refCollection, field } of referencingFields(deps, collection)) {
    await settleReferences(deps, tx, refCollection, field, String(row.id), deleted, visiting);
  }
  const q = deps.db.dialect.quote;
  await tx.run(`DELETE FROM ${q(collection.name)} WHERE ${q('id')} = ?`, [row.id as string]);
  deleted.push({ collection, row });
}

async function settleReferences(
  deps: RecordDeps,
  tx: Queryable,
  refCollection: Collection,
  field: Field,
  id: string,
  deleted: DeletedRecord[],
  visiting: Set<string>,
): Promise<void> {
  const q = deps.db.dialect.quote;
  const col = q(field.name);
  const matches = isMultiValued(field)
    ? `EXISTS (SELECT 1 FROM ${deps.db.dialect.jsonEach(col, 'je')} WHERE ${q('je')}.${q('value')} = ?)`
    : `${col} = ?`;
  const rows = await tx.all<RecordRow>(`SELECT * FROM ${q(refCollection.name)} WHERE ${matches}`, [id]);
  for (const ref of rows) {
    if (visiting.has(`${refCollection.id}/${ref.id}`)) continue;
    const remaining = relationIds(field, ref[field.name]).filter((v) => v !== id);
    if (remaining.length === 0 && field.cascadeDelete) {
      await removeWithReferences(deps, tx, refCollection, ref, deleted, visiting);
    } else if (remaining.length === 0 && field.required) {
      throw new ApiError('bad_request', REQUIRED_REFERENCE);
    } else {
      const next = isMultiValued(field) ? JSON.stringify(remaining) : '';
      await tx.run(`UPDATE ${q(refCollection.name)} SET ${col} = ? WHERE ${q('id')} = ?`, [
        next,
        ref.id as string,
      ]);
    }
  }
}

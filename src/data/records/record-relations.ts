import type { Queryable, SqlValue } from '../../db/driver.ts';
import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { parseJsonOr } from '../../lib/json.ts';
import type { Collection, Field } from '../collection-types.ts';
import { isMultiValued } from '../collection-types.ts';
import type { RecordDeps } from './record-deps.ts';

/** The ids a stored relation value holds (single id text or JSON array). */
export function relationIds(field: Field, stored: unknown): string[] {
  if (isMultiValued(field))
    return parseJsonOr<string[]>(stored, []).filter((v) => typeof v === 'string' && v !== '');
  return typeof stored === 'string' && stored !== '' ? [stored] : [];
}

/** Checks that every id a write puts in a relation field exists in its target collection. */
export async function checkRelationTargets(
  deps: RecordDeps,
  tx: Queryable,
  collection: Collection,
  values: Record<string, SqlValue>,
): Promise<void> {
  const problems: ErrorData = {};
  for (const field of collection.fields) {
    if (field.type !== 'relation') continue;
    const ids = [...new Set(relationIds(field, values[field.name]))];
    if (ids.length === 0) continue;
    const target = field.collectionId ? deps.registry.byId(field.collectionId) : undefined;
    if (!target) {
      problems[field.name] = fieldError(
        'validation_missing_rel_collection',
        'The related collection no longer exists.',
      );
      continue;
    }
    const q = deps.db.dialect.quote;
    const found = await tx.all<{ id: string }>(
      `SELECT ${q('id')} AS id FROM ${q(target.name)} WHERE ${q('id')} IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    if (found.length !== ids.length) {
      problems[field.name] = fieldError(
        'validation_missing_rel_records',
        'Failed to find all relation records with the provided ids.',
      );
    }
  }
  if (Object.keys(problems).length)
    throw new ApiError('validation_failed', 'Failed to save record.', problems);
}

/** Every relation field in any collection that points at `target`. */
export function referencingFields(
  deps: RecordDeps,
  target: Collection,
): { collection: Collection; field: Field }[] {
  return deps.registry
    .all()
    .flatMap((c) =>
      c.fields
        .filter((f) => f.type === 'relation' && f.collectionId === target.id)
        .map((field) => ({ collection: c, field })),
    );
}

import { DbError, type Queryable, type SqlValue } from '../../db/driver.ts';
import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { nowString } from '../../lib/time.ts';
import type { Collection } from '../collection-types.ts';
import type { RecordContext } from './record-context.ts';
import { type RecordDeps, ruleCondition } from './record-deps.ts';
import type { RecordRow } from './record-output.ts';
import { guardAuthWrite, managesRecord } from './record-auth-guard.ts';
import { findRow } from './record-read.ts';
import { checkRelationTargets } from './record-relations.ts';
import { prepareRecordValues } from './record-values.ts';

/**
 * Creates a record inside `tx`. A create rule with an expression is checked against
 * the inserted row before the transaction commits (PocketBase's way, so rules can read
 * the new values); failing it rolls the insert back and answers 400.
 */
export async function insertRecord(
  deps: RecordDeps,
  tx: Queryable,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: RecordContext,
): Promise<RecordRow> {
  const rule = ruleCondition(deps, collection, collection.createRule, ctx, body);
  body = await guardAuthWrite(collection, body, undefined, ctx);
  const values = await prepareRecordValues({
    collection,
    body,
    old: undefined,
    now: nowString(),
    isSuperuser: ctx.isSuperuser,
  });
  await checkRelationTargets(deps, tx, collection, values);
  const q = deps.db.dialect.quote;
  const columns = Object.keys(values);
  await runMapped(collection, () =>
    tx.run(
      `INSERT INTO ${q(collection.name)} (${columns.map(q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => values[c]),
    ),
  );
  const row = await findRow(deps, collection, String(values.id), rule, { ...ctx, tx });
  if (!row) throw new ApiError('bad_request', 'Failed to create record.');
  return row;
}

/**
 * Updates a record inside `tx`: reads it under the update rule (404 when missing or
 * not allowed), applies the body with its modifiers to the stored values, writes it.
 */
export async function updateRecord(
  deps: RecordDeps,
  tx: Queryable,
  collection: Collection,
  id: string,
  body: Record<string, unknown>,
  ctx: RecordContext,
): Promise<{ before: RecordRow; after: RecordRow }> {
  const rule = ruleCondition(deps, collection, collection.updateRule, ctx, body);
  const txCtx = { ...ctx, tx };
  const before = await findRow(deps, collection, id, rule, txCtx);
  if (!before) throw new ApiError('not_found');
  body = await guardAuthWrite(
    collection,
    body,
    before,
    ctx,
    await managesRecord(deps, collection, id, txCtx),
  );
  const values = await prepareRecordValues({
    collection,
    body,
    old: before,
    now: nowString(),
    isSuperuser: ctx.isSuperuser,
  });
  await checkRelationTargets(deps, tx, collection, values);
  const q = deps.db.dialect.quote;
  const columns = Object.keys(values).filter((c) => c !== 'id');
  if (columns.length) {
    await runMapped(collection, () =>
      tx.run(
        `UPDATE ${q(collection.name)} SET ${columns.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${q('id')} = ?`,
        [...columns.map((c) => values[c]), id],
      ),
    );
  }
  const after = await findRow(deps, collection, id, null, txCtx);
  return { before, after: after! };
}

/** Runs a write, turning a unique-index violation into field errors on the offending fields. */
async function runMapped<T>(collection: Collection, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DbError && error.code === 'unique_violation') throw uniqueError(collection, error);
    throw error;
  }
}

function uniqueError(collection: Collection, error: DbError): ApiError {
  const text = `${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`;
  const problems: ErrorData = {};
  for (const field of collection.fields) {
    if (
      new RegExp(`\\b${collection.name}\\.${field.name}\\b`).test(text) ||
      text.includes(`"${field.name}"`)
    ) {
      problems[field.name] = fieldError('validation_not_unique', 'Value must be unique.');
    }
  }
  if (Object.keys(problems).length === 0)
    problems.id = fieldError('validation_not_unique', 'Value must be unique.');
  return new ApiError('validation_failed', 'Failed to save record.', problems);
}

export type { SqlValue };

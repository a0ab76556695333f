import type { Collection } from '../collection-types.ts';
import { fieldKind } from '../fields/registry.ts';
import type { RecordContext } from './record-context.ts';

/** A record as stored: one property per column. */
export type RecordRow = Record<string, unknown>;

/** A record as the API shows it. */
export type RecordJSON = Record<string, unknown> & {
  collectionId: string;
  collectionName: string;
  id: string;
};

/** Auth fields no answer ever carries, superusers' included. */
const NEVER_ANSWERED = new Set(['password', 'tokenKey']);

/**
 * Turns a stored row into its API form: system keys first, then every visible field
 * in definition order. Hidden fields show only to superusers (as in PocketBase), and
 * an auth record's password hash and tokenKey to nobody; an auth record's email shows
 * only to its owner, superusers, or when `emailVisibility` is on.
 */
export function recordToJSON(collection: Collection, row: RecordRow, ctx: RecordContext): RecordJSON {
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  const isAuth = collection.type === 'auth';
  for (const field of collection.fields) {
    if (field.hidden && (!ctx.isSuperuser || (isAuth && NEVER_ANSWERED.has(field.name)))) continue;
    out[field.name] = fieldKind(field.type).output(field, row[field.name]);
  }
  if (collection.type === 'auth' && !canSeeEmail(collection, row, ctx)) delete out.email;
  return out as RecordJSON;
}

function canSeeEmail(collection: Collection, row: RecordRow, ctx: RecordContext): boolean {
  if (ctx.isSuperuser || row.emailVisibility === 1 || row.emailVisibility === true) return true;
  return ctx.auth?.collection.id === collection.id && ctx.auth.record.id === row.id;
}

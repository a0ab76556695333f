import type { DbDriver } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { RecordRow } from '../data/records/record-output.ts';

/** An auth record by id, all columns (hidden ones included); undefined when missing. */
export function findAuthRecordById(
  db: DbDriver,
  collection: Collection,
  id: string,
): Promise<RecordRow | undefined> {
  const q = db.dialect.quote;
  return db.get<RecordRow>(`SELECT * FROM ${q(collection.name)} WHERE ${q('id')} = ? LIMIT 1`, [id]);
}

/** An auth record by email (exact match, as the unique index stores it); undefined when missing. */
export function findAuthRecordByEmail(
  db: DbDriver,
  collection: Collection,
  email: string,
): Promise<RecordRow | undefined> {
  if (!email) return Promise.resolve(undefined);
  const q = db.dialect.quote;
  return db.get<RecordRow>(`SELECT * FROM ${q(collection.name)} WHERE ${q('email')} = ? LIMIT 1`, [email]);
}

/** A loose email check (one @, no spaces, a dot-free local part allowed), as forms need. */
export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value);
}

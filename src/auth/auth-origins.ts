import { createHash } from 'node:crypto';
import { DbError } from '../db/driver.ts';
import type { Collection } from '../data/collection-types.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { newRecordId } from '../lib/random.ts';
import { nowString } from '../lib/time.ts';
import type { AuthDeps } from './auth-deps.ts';
import { sendAuthMail } from './auth-mails.ts';
import { authOptions } from './auth-options.ts';
import { AUTH_ORIGINS } from './auth-system-collections.ts';

/** Where a sign-in came from. */
export interface SignInOrigin {
  ip: string;
  userAgent: string;
}

/**
 * Remembers where a record signed in from and, when `authAlert` is on, mails the
 * account owner about a sign-in from a place never seen before. The very first
 * sign-in of a record alerts nobody (there is nothing to compare with). Only a hash
 * of address and client is stored.
 */
export async function noteSignInOrigin(
  deps: AuthDeps,
  collection: Collection,
  record: RecordRow,
  origin: SignInOrigin,
): Promise<void> {
  const fingerprint = createHash('sha256').update(`${origin.ip}\n${origin.userAgent}`).digest('hex');
  const q = (sql: string, params: string[]) => deps.db.get<{ n: number }>(sql, params);
  const keys = [collection.id, String(record.id)];
  const known = await q(
    `SELECT COUNT(*) AS n FROM "${AUTH_ORIGINS}" WHERE "collectionRef" = ? AND "recordRef" = ? AND "fingerprint" = ?`,
    [...keys, fingerprint],
  );
  // a known place needs nothing written: repeated sign-ins cost one read and no write
  if (Number(known?.n) > 0) return;
  const now = nowString();
  const any = await q(
    `SELECT COUNT(*) AS n FROM "${AUTH_ORIGINS}" WHERE "collectionRef" = ? AND "recordRef" = ?`,
    keys,
  );
  // two first sign-ins at once may race to insert: the unique index keeps one, the other is fine to drop
  await deps.db
    .transaction((tx) =>
      tx.run(
        `INSERT INTO "${AUTH_ORIGINS}" ("id","collectionRef","recordRef","fingerprint","created","updated") VALUES (?,?,?,?,?,?)`,
        [newRecordId(), ...keys, fingerprint, now, now],
      ),
    )
    .catch((error: unknown) => {
      if (!(error instanceof DbError && error.code === 'unique_violation')) throw error;
    });
  if (Number(any?.n) > 0 && authOptions(collection).authAlert.enabled && record.email) {
    const info = `${origin.ip}, ${origin.userAgent || 'an unknown client'}`;
    await sendAuthMail(deps, collection, record, 'authAlert', { ALERT_INFO: info });
  }
}

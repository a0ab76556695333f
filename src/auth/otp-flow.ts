import type { Collection } from '../data/collection-types.ts';
import { superuserContext } from '../data/records/record-context.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { ApiError, invalidField } from '../lib/errors.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';
import { newRecordId, randomString } from '../lib/random.ts';
import { formatDate, nowString } from '../lib/time.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordByEmail, findAuthRecordById, isEmail } from './auth-lookup.ts';
import { sendAuthMail } from './auth-mails.ts';
import { authOptions } from './auth-options.ts';
import { OTPS } from './auth-system-collections.ts';

/** `sentTo` of codes printed by `basalt superuser otp`: usable even when OTP mail sign-in is off. */
export const CLI_SENT_TO = 'cli';

interface OtpRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  password: string;
  sentTo: string;
  created: string;
}

/** A fresh numeric code of the collection's length. */
export function newOtpCode(collection: Collection): string {
  return randomString(authOptions(collection).otp.length, '0123456789');
}

/**
 * request-otp: mails a code to the record with this email. An unknown email gets a
 * random id and no mail, so the answer never tells whether an account exists.
 */
export async function requestOtp(deps: AuthDeps, collection: Collection, email: unknown): Promise<string> {
  const options = authOptions(collection);
  if (!options.otp.enabled)
    throw new ApiError('forbidden', 'The collection is not configured to allow OTP authentication.');
  if (!isEmail(email)) throw invalidField('email', 'validation_is_email', 'Must be a valid email address.');
  const record = await findAuthRecordByEmail(deps.db, collection, email);
  if (!record) return newRecordId();
  // a flood of requests for one account must not become a flood of mails: past the
  // limit, the newest live code stands (it was mailed already) and nothing is sent
  const live = await liveOtpIds(deps, collection, record);
  if (live.length >= MAX_LIVE_OTPS) return live[0];
  const code = newOtpCode(collection);
  const id = await storeOtp(deps, collection, record, code, email);
  await sendAuthMail(deps, collection, record, 'otp', { OTP: code, OTP_ID: id });
  return id;
}

/** Unexpired codes a record may still have in flight, before a new one is mailed. */
const MAX_LIVE_OTPS = 5;

/** Ids of the record's unexpired codes, newest first; expired codes of the collection are removed on the way. */
async function liveOtpIds(deps: AuthDeps, collection: Collection, record: RecordRow): Promise<string[]> {
  const cutoff = formatDate(new Date(Date.now() - authOptions(collection).otp.duration * 1000));
  await deps.db.transaction((tx) =>
    tx.run(`DELETE FROM "${OTPS}" WHERE "collectionRef" = ? AND "created" < ?`, [collection.id, cutoff]),
  );
  const rows = await deps.db.all<{ id: string }>(
    `SELECT "id" FROM "${OTPS}" WHERE "collectionRef" = ? AND "recordRef" = ? ORDER BY "created" DESC`,
    [collection.id, String(record.id)],
  );
  return rows.map((r) => r.id);
}

/** Stores a code for a record, hashed like a password; answers the otp id. */
export async function storeOtp(
  deps: AuthDeps,
  collection: Collection,
  record: RecordRow,
  code: string,
  sentTo: string,
): Promise<string> {
  const id = newRecordId();
  const now = nowString();
  const hash = await hashPassword(code);
  await deps.db.transaction((tx) =>
    tx.run(
      `INSERT INTO "${OTPS}" ("id","collectionRef","recordRef","password","sentTo","created","updated") VALUES (?,?,?,?,?,?,?)`,
      [id, collection.id, String(record.id), hash, sentTo, now, now],
    ),
  );
  return id;
}

/**
 * auth-with-otp: checks the code of an unexpired otp of this collection. A used,
 * expired or unknown otp and a wrong code all answer the same 400. A right code is
 * consumed, and marks the email verified when the code was mailed to it.
 */
export async function authWithOtp(
  deps: AuthDeps,
  collection: Collection,
  otpId: string,
  code: string,
): Promise<RecordRow> {
  const options = authOptions(collection);
  const otp = await deps.db.get<OtpRow>(`SELECT * FROM "${OTPS}" WHERE "id" = ? AND "collectionRef" = ?`, [
    otpId,
    collection.id,
  ]);
  if (!options.otp.enabled && otp?.sentTo !== CLI_SENT_TO)
    throw new ApiError('forbidden', 'The collection is not configured to allow OTP authentication.');
  const expired =
    !otp || Date.parse(otp.created.replace(' ', 'T')) + options.otp.duration * 1000 < Date.now();
  const ok = await verifyPassword(code, otp?.password);
  if (!otp || expired || !ok) throw new ApiError('bad_request', 'Invalid or expired OTP.');
  await deps.db.transaction((tx) => tx.run(`DELETE FROM "${OTPS}" WHERE "id" = ?`, [otp.id]));
  const record = await findAuthRecordById(deps.db, collection, otp.recordRef);
  if (!record) throw new ApiError('bad_request', 'Invalid or expired OTP.');
  if (!record.verified && otp.sentTo && otp.sentTo === record.email) {
    return deps.records.update(collection, String(record.id), { verified: true }, superuserContext());
  }
  return record;
}

import type { Collection } from '../data/collection-types.ts';
import type { AuthPrincipal } from '../data/records/record-context.ts';
import { superuserContext } from '../data/records/record-context.ts';
import { ApiError, invalidField } from '../lib/errors.ts';
import { verifyPassword } from '../lib/password.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordByEmail, isEmail } from './auth-lookup.ts';
import { sendAuthMail } from './auth-mails.ts';
import { invalidToken, recordOfFlowToken } from './flow-token-record.ts';
import { signFlowToken } from './flow-tokens.ts';

async function assertEmailFree(
  deps: AuthDeps,
  collection: Collection,
  email: unknown,
  field: string,
): Promise<string> {
  if (!isEmail(email)) throw invalidField(field, 'validation_is_email', 'Must be a valid email address.');
  if (await findAuthRecordByEmail(deps.db, collection, email))
    throw invalidField(field, 'validation_email_taken', 'The email is invalid or already in use.');
  return email;
}

/**
 * request-email-change: the signed-in record asks to move to `newEmail`; a
 * confirmation link goes to the new address, so only its owner can complete it.
 */
export async function requestEmailChange(
  deps: AuthDeps,
  collection: Collection,
  principal: AuthPrincipal | null,
  newEmail: unknown,
): Promise<void> {
  if (!principal) throw new ApiError('unauthorized');
  if (principal.collection.id !== collection.id)
    throw new ApiError('forbidden', 'The token belongs to another collection.');
  const email = await assertEmailFree(deps, collection, newEmail, 'newEmail');
  const record = principal.record;
  const token = await signFlowToken(
    collection,
    { id: String(record.id), tokenKey: String(record.tokenKey), email: String(record.email) },
    'emailChange',
    { newEmail: email },
  );
  await sendAuthMail(deps, collection, record, 'confirmEmailChange', { TOKEN: token }, email);
}

/**
 * confirm-email-change: with the token and the account's current password, moves the
 * record to the new email and marks it verified. The email change rotates the
 * tokenKey, so the token cannot be used twice and older sessions end.
 */
export async function confirmEmailChange(
  deps: AuthDeps,
  collection: Collection,
  body: { token?: unknown; password?: unknown },
): Promise<void> {
  const { record, claims } = await recordOfFlowToken(deps, collection, body.token, 'emailChange');
  if (!claims.newEmail) throw invalidToken();
  if (!(await verifyPassword(String(body.password ?? ''), record.password as string)))
    throw invalidField('password', 'validation_invalid_password', 'Missing or invalid account password.');
  await assertEmailFree(deps, collection, claims.newEmail, 'token');
  await deps.records.update(
    collection,
    String(record.id),
    { email: claims.newEmail, verified: true },
    superuserContext(),
  );
}

import type { Collection } from '../data/collection-types.ts';
import { superuserContext } from '../data/records/record-context.ts';
import { invalidField } from '../lib/errors.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordByEmail, isEmail } from './auth-lookup.ts';
import { sendAuthMail } from './auth-mails.ts';
import { invalidToken, recordOfFlowToken } from './flow-token-record.ts';
import { signFlowToken } from './flow-tokens.ts';

/**
 * request-verification: mails a verification link to an unverified record with this
 * email. Unknown or already verified emails get the same empty answer and no mail.
 */
export async function requestVerification(
  deps: AuthDeps,
  collection: Collection,
  email: unknown,
): Promise<void> {
  if (!isEmail(email)) throw invalidField('email', 'validation_is_email', 'Must be a valid email address.');
  const record = await findAuthRecordByEmail(deps.db, collection, email);
  if (!record || record.verified) return;
  const token = await signFlowToken(
    collection,
    { id: String(record.id), tokenKey: String(record.tokenKey), email: String(record.email) },
    'verification',
  );
  await sendAuthMail(deps, collection, record, 'verification', { TOKEN: token });
}

/**
 * confirm-verification: marks the record verified. A token that was already used
 * (the record is verified) is refused like a bad one, so a leaked link is worth nothing.
 */
export async function confirmVerification(
  deps: AuthDeps,
  collection: Collection,
  token: unknown,
): Promise<void> {
  const { record } = await recordOfFlowToken(deps, collection, token, 'verification');
  if (record.verified) throw invalidToken();
  await deps.records.update(collection, String(record.id), { verified: true }, superuserContext());
}

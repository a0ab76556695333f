import type { Collection } from '../data/collection-types.ts';
import { superuserContext } from '../data/records/record-context.ts';
import { invalidField } from '../lib/errors.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordByEmail, isEmail } from './auth-lookup.ts';
import { sendAuthMail } from './auth-mails.ts';
import { recordOfFlowToken } from './flow-token-record.ts';
import { signFlowToken } from './flow-tokens.ts';

/** request-password-reset: mails a reset link; an unknown email gets the same answer and no mail. */
export async function requestPasswordReset(
  deps: AuthDeps,
  collection: Collection,
  email: unknown,
): Promise<void> {
  if (!isEmail(email)) throw invalidField('email', 'validation_is_email', 'Must be a valid email address.');
  const record = await findAuthRecordByEmail(deps.db, collection, email);
  if (!record) return;
  const token = await signFlowToken(
    collection,
    { id: String(record.id), tokenKey: String(record.tokenKey), email: String(record.email) },
    'passwordReset',
  );
  await sendAuthMail(deps, collection, record, 'resetPassword', { TOKEN: token });
}

/**
 * confirm-password-reset: sets the new password. The password change rotates the
 * record's tokenKey, which makes this token (and every auth token) unusable after,
 * and the record counts as verified since its owner read the mail.
 */
export async function confirmPasswordReset(
  deps: AuthDeps,
  collection: Collection,
  body: { token?: unknown; password?: unknown; passwordConfirm?: unknown },
): Promise<void> {
  const { record } = await recordOfFlowToken(deps, collection, body.token, 'passwordReset');
  if (typeof body.password !== 'string' || body.password === '')
    throw invalidField('password', 'validation_required', 'Cannot be blank.');
  await deps.records.update(
    collection,
    String(record.id),
    {
      password: body.password,
      passwordConfirm: body.passwordConfirm ?? '',
      ...(record.verified ? {} : { verified: true }),
    },
    superuserContext(),
  );
}

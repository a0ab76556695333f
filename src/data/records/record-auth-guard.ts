import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { verifyPassword } from '../../lib/password.ts';
import { randomString } from '../../lib/random.ts';
import type { Collection } from '../collection-types.ts';
import type { RecordContext } from './record-context.ts';
import type { RecordRow } from './record-output.ts';

/**
 * Protections for writes to auth records, applied to the body before its fields are
 * prepared. Clients other than superusers may not set `tokenKey` or `verified`; a
 * password change needs `passwordConfirm` (and `oldPassword` on update); any password
 * change rotates `tokenKey`, which revokes every token issued before it.
 * Answers the body to write.
 */
export async function guardAuthWrite(
  collection: Collection,
  body: Record<string, unknown>,
  old: RecordRow | undefined,
  ctx: RecordContext,
): Promise<Record<string, unknown>> {
  if (collection.type !== 'auth') return body;
  const problems: ErrorData = {};
  const { passwordConfirm, oldPassword, ...rest } = body;
  if (!ctx.isSuperuser) {
    for (const key of ['tokenKey', 'verified']) {
      if (key in rest)
        problems[key] = fieldError('validation_forbidden', `Only superusers may set "${key}".`);
    }
  }
  const changesPassword = typeof rest.password === 'string' && rest.password !== '';
  // PocketBase checks passwordConfirm for everyone, superusers included; only oldPassword
  // is waived for them (forms/record_upsert.go)
  if (changesPassword && (passwordConfirm === undefined || passwordConfirm === '')) {
    problems.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
  } else if (changesPassword && passwordConfirm !== rest.password) {
    problems.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  }
  if (changesPassword && !ctx.isSuperuser) {
    if (old && !(await verifyPassword(String(oldPassword ?? ''), old.password as string))) {
      problems.oldPassword = fieldError(
        'validation_invalid_old_password',
        'Missing or invalid old password.',
      );
    }
  }
  if (Object.keys(problems).length) {
    throw new ApiError(
      'validation_failed',
      old ? 'Failed to update record.' : 'Failed to create record.',
      problems,
    );
  }
  if (changesPassword && old) rest.tokenKey = randomString(50);
  return rest;
}

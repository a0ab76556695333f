import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { verifyPassword } from '../../lib/password.ts';
import { randomString } from '../../lib/random.ts';
import type { Collection } from '../collection-types.ts';
import type { RecordContext } from './record-context.ts';
import { type RecordDeps, ruleCondition } from './record-deps.ts';
import { findRow } from './record-read.ts';
import type { RecordRow } from './record-output.ts';

/**
 * Protections for writes to auth records, applied to the body before its fields are
 * prepared. Only superusers may set `tokenKey`; only superusers and holders of the
 * collection's `manageRule` (`manages`) may set `verified` or change a password
 * without `oldPassword`. A password change needs `passwordConfirm`; any password or
 * email change rotates `tokenKey`, which revokes every token issued before it.
 * Answers the body to write.
 */
export async function guardAuthWrite(
  collection: Collection,
  body: Record<string, unknown>,
  old: RecordRow | undefined,
  ctx: RecordContext,
  manages = false,
): Promise<Record<string, unknown>> {
  if (collection.type !== 'auth') return body;
  const problems: ErrorData = {};
  const { passwordConfirm, oldPassword, ...rest } = body;
  const trusted = ctx.isSuperuser || manages;
  if (!ctx.isSuperuser && 'tokenKey' in rest)
    problems.tokenKey = fieldError('validation_forbidden', 'Only superusers may set "tokenKey".');
  if (!trusted && 'verified' in rest)
    problems.verified = fieldError(
      'validation_forbidden',
      'Only superusers and managers may set "verified".',
    );
  const changesPassword = typeof rest.password === 'string' && rest.password !== '';
  // PocketBase checks passwordConfirm for everyone, superusers included; only oldPassword
  // is waived for them (forms/record_upsert.go)
  if (changesPassword && (passwordConfirm === undefined || passwordConfirm === '')) {
    problems.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
  } else if (changesPassword && passwordConfirm !== rest.password) {
    problems.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
  }
  if (changesPassword && !trusted) {
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
  const changesEmail = old !== undefined && typeof rest.email === 'string' && rest.email !== old.email;
  if ((changesPassword || changesEmail) && old && !('tokenKey' in rest)) rest.tokenKey = randomString(50);
  return rest;
}

/**
 * Whether the caller holds the collection's `manageRule` for the record `id`:
 * superusers always; nobody when the rule is null; everyone allowed to update when it
 * is empty; otherwise those for whom the rule matches the stored record.
 */
export async function managesRecord(
  deps: RecordDeps,
  collection: Collection,
  id: string,
  ctx: RecordContext,
): Promise<boolean> {
  if (ctx.isSuperuser) return true;
  const rule = collection.manageRule as string | null | undefined;
  if (collection.type !== 'auth' || rule === null || rule === undefined) return false;
  if (rule.trim() === '') return true;
  return (await findRow(deps, collection, id, ruleCondition(deps, collection, rule, ctx), ctx)) !== undefined;
}

import type { Collection } from '../data/collection-types.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { invalidField } from '../lib/errors.ts';
import type { AuthDeps } from './auth-deps.ts';
import { findAuthRecordById } from './auth-lookup.ts';
import { type FlowClaims, type FlowKind, peekFlowClaims, verifyFlowToken } from './flow-tokens.ts';

/** The 400 every unusable flow token gets: expired, tampered, reused or of another kind. */
export function invalidToken() {
  return invalidField(
    'token',
    'validation_invalid_token',
    'Invalid or expired token.',
    'Invalid or expired token.',
  );
}

/** The record a flow token names and its verified claims; throws 400 for any bad token. */
export async function recordOfFlowToken(
  deps: AuthDeps,
  collection: Collection,
  token: unknown,
  kind: FlowKind,
): Promise<{ record: RecordRow; claims: FlowClaims }> {
  if (typeof token !== 'string' || token === '')
    throw invalidField('token', 'validation_required', 'Cannot be blank.', 'Invalid or expired token.');
  const peeked = peekFlowClaims(token);
  if (!peeked || peeked.collectionId !== collection.id || typeof peeked.id !== 'string') throw invalidToken();
  const record = await findAuthRecordById(deps.db, collection, peeked.id);
  if (!record) throw invalidToken();
  const claims = await verifyFlowToken(
    token,
    collection,
    { tokenKey: String(record.tokenKey), email: String(record.email) },
    kind,
  );
  if (!claims) throw invalidToken();
  return { record, claims };
}

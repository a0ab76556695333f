import type { Collection } from '../data/collection-types.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import { ApiError } from '../lib/errors.ts';
import { newRecordId } from '../lib/random.ts';
import { formatDate, nowString } from '../lib/time.ts';
import type { AuthDeps } from './auth-deps.ts';
import { authOptions } from './auth-options.ts';
import { recordMatchesRule } from './auth-rule.ts';
import { MFAS } from './auth-system-collections.ts';

interface MfaRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  method: string;
  created: string;
}

/**
 * The MFA step after a successful first or second factor. Answers an mfa id when the
 * caller must now pass a second, different method (the API answers 401 `{mfaId}`), or
 * null when the sign-in may complete: MFA is off, the record does not match
 * `mfa.rule`, or `mfaId` names a live first factor of this record by another method.
 */
export async function checkMfa(
  deps: AuthDeps,
  collection: Collection,
  record: RecordRow,
  method: string,
  mfaId: string | undefined,
): Promise<string | null> {
  const mfa = authOptions(collection).mfa;
  if (!mfa.enabled || !method) return null;
  // a failing rule errs on the side of asking for the second factor
  const wanted = await recordMatchesRule(
    deps.db,
    deps.collections,
    collection,
    record,
    mfa.rule,
    method,
  ).catch(() => true);
  if (!wanted) return null;
  if (!mfaId) return startMfa(deps, collection, record, method);
  const row = await deps.db.get<MfaRow>(`SELECT * FROM "${MFAS}" WHERE "id" = ?`, [mfaId]);
  const expired = !row || Date.parse(row.created.replace(' ', 'T')) + mfa.duration * 1000 < Date.now();
  if (!row || expired) {
    if (row) await deleteMfa(deps, row.id);
    throw new ApiError('bad_request', 'Invalid or expired MFA session.');
  }
  if (row.recordRef !== record.id || row.collectionRef !== collection.id)
    throw new ApiError('bad_request', 'Invalid MFA session.');
  if (row.method === method)
    throw new ApiError('bad_request', 'A different authentication method is required.');
  await deleteMfa(deps, row.id);
  return null;
}

async function startMfa(
  deps: AuthDeps,
  collection: Collection,
  record: RecordRow,
  method: string,
): Promise<string> {
  const id = newRecordId();
  const now = nowString();
  // first factors never followed up would pile up: expired ones of the collection go now
  const cutoff = formatDate(new Date(Date.now() - authOptions(collection).mfa.duration * 1000));
  await deps.db.transaction(async (tx) => {
    await tx.run(`DELETE FROM "${MFAS}" WHERE "collectionRef" = ? AND "created" < ?`, [
      collection.id,
      cutoff,
    ]);
    await tx.run(
      `INSERT INTO "${MFAS}" ("id","collectionRef","recordRef","method","created","updated") VALUES (?,?,?,?,?,?)`,
      [id, collection.id, String(record.id), method, now, now],
    );
  });
  return id;
}

function deleteMfa(deps: AuthDeps, id: string): Promise<unknown> {
  return deps.db.transaction((tx) => tx.run(`DELETE FROM "${MFAS}" WHERE "id" = ?`, [id]));
}

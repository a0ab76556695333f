import { decodeJwt } from 'jose';
import type { AuthPrincipal } from '../data/records/record-context.ts';
import { verifyFileToken } from '../storage/index.ts';
import type { ApiServices } from './api-services.ts';

/**
 * The auth record a file token (`?token=`, what `pb.files.getToken()` gives) was issued
 * to, or null for a missing, expired, forged or revoked one. Shared by file downloads
 * and backup downloads.
 */
export async function fileTokenPrincipal(
  services: ApiServices,
  token: string,
): Promise<AuthPrincipal | null> {
  let claims: { id?: unknown; collectionId?: unknown };
  try {
    claims = decodeJwt(token);
  } catch {
    return null;
  }
  const collection = services.collections.registry.byId(String(claims.collectionId ?? ''));
  if (collection?.type !== 'auth' || typeof claims.id !== 'string') return null;
  const q = services.db.dialect.quote;
  const record = await services.db.get<Record<string, unknown>>(
    `SELECT * FROM ${q(collection.name)} WHERE ${q('id')} = ?`,
    [claims.id],
  );
  if (!record) return null;
  const ok = await verifyFileToken(token, collection, { id: claims.id, tokenKey: String(record.tokenKey) });
  return ok ? { collection, record } : null;
}

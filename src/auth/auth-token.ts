import { decodeJwt, SignJWT } from 'jose';
import type { Collection } from '../data/collection-types.ts';
import { verifyHs256 } from '../lib/jwt-hs256.ts';

/**
 * Auth tokens are HS256 JWTs carrying what the PocketBase SDK reads (`id`, `type`,
 * `collectionId`, `refreshable`, `exp`). The signing key is the collection's secret
 * joined with the record's `tokenKey`, so changing a password or the tokenKey revokes
 * every token of that record at once.
 */
export interface AuthTokenClaims {
  id: string;
  type: 'auth';
  collectionId: string;
  refreshable: boolean;
}

export interface TokenOptions {
  secret: string;
  durationSeconds: number;
}

/** The token settings of an auth collection (`authToken: {secret, duration}`). */
export function tokenOptions(collection: Collection): TokenOptions {
  const config = (collection.authToken ?? {}) as { secret?: string; duration?: number };
  if (!config.secret) throw new Error(`auth collection "${collection.name}" has no token secret`);
  return { secret: config.secret, durationSeconds: config.duration || 604800 };
}

function signingKey(secret: string, tokenKey: string): Uint8Array {
  return new TextEncoder().encode(`${tokenKey}${secret}`);
}

/** Issues an auth token for a record. */
export async function signAuthToken(
  collection: Collection,
  record: { id: string; tokenKey: string },
  refreshable = true,
  duration?: number,
): Promise<string> {
  const { secret, durationSeconds: configured } = tokenOptions(collection);
  const durationSeconds = duration && duration > 0 ? duration : configured;
  return new SignJWT({
    id: record.id,
    type: 'auth',
    collectionId: collection.id,
    refreshable,
  } satisfies AuthTokenClaims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + durationSeconds)
    .sign(signingKey(secret, record.tokenKey));
}

/** Reads the claims of a token without trusting them: only to find whose key verifies it. */
export function peekClaims(token: string): Partial<AuthTokenClaims> | null {
  try {
    return decodeJwt(token) as Partial<AuthTokenClaims>;
  } catch {
    return null;
  }
}

/** Verifies signature (HS256 only), expiry and type; answers the claims or null. */
export async function verifyAuthToken(
  token: string,
  collection: Collection,
  tokenKey: string,
): Promise<AuthTokenClaims | null> {
  try {
    const { secret } = tokenOptions(collection);
    const payload = verifyHs256(token, signingKey(secret, tokenKey));
    if (!payload || payload.type !== 'auth' || payload.collectionId !== collection.id) return null;
    return payload as unknown as AuthTokenClaims;
  } catch {
    return null;
  }
}

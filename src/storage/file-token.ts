import { jwtVerify, SignJWT } from 'jose';
import type { Collection } from '../data/collection-types.ts';

/**
 * File tokens: short-lived HS256 JWTs (`type: "file"`) that let an auth record fetch
 * protected files by URL (`?token=…`), where no Authorization header can be sent.
 * They are signed with the collection's `fileToken` secret joined with the record's
 * `tokenKey`, so a password change revokes them with the auth tokens.
 */
interface FileTokenClaims {
  id: string;
  type: 'file';
  collectionId: string;
}

function options(collection: Collection): { secret: string; duration: number } {
  const config = (collection.fileToken ?? {}) as { secret?: string; duration?: number };
  if (!config.secret) throw new Error(`auth collection "${collection.name}" has no fileToken secret`);
  return { secret: config.secret, duration: config.duration || 180 };
}

const keyOf = (secret: string, tokenKey: string) => new TextEncoder().encode(`${tokenKey}${secret}`);

/** Issues a file token for an auth record. */
export async function signFileToken(
  collection: Collection,
  record: { id: string; tokenKey: string },
): Promise<string> {
  const { secret, duration } = options(collection);
  return new SignJWT({ id: record.id, type: 'file', collectionId: collection.id } satisfies FileTokenClaims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(keyOf(secret, record.tokenKey));
}

/** True when `token` is a live file token of this record, signed with its current keys. */
export async function verifyFileToken(
  token: string,
  collection: Collection,
  record: { id: string; tokenKey: string },
): Promise<boolean> {
  try {
    const { secret } = options(collection);
    const { payload } = await jwtVerify(token, keyOf(secret, record.tokenKey), { algorithms: ['HS256'] });
    return payload.type === 'file' && payload.collectionId === collection.id && payload.id === record.id;
  } catch {
    return false;
  }
}

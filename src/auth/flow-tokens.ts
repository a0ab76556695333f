import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import type { Collection } from '../data/collection-types.ts';

/**
 * Tokens mailed for account flows, PocketBase's shapes: `verification` and
 * `passwordReset` carry `{id, type, collectionId, email}`, `emailChange` adds
 * `newEmail`. Each kind has its own secret in the collection options
 * (`verificationToken`, `passwordResetToken`, `emailChangeToken`), and the signing key
 * joins it with the record's `tokenKey`: a password or email change rotates the
 * tokenKey, so a token used once (or issued before the change) stops verifying.
 */
export type FlowKind = 'verification' | 'passwordReset' | 'emailChange';

/** The claims of a flow token. */
export interface FlowClaims {
  id: string;
  type: FlowKind;
  collectionId: string;
  email: string;
  newEmail?: string;
}

const OPTION_OF: Record<FlowKind, string> = {
  verification: 'verificationToken',
  passwordReset: 'passwordResetToken',
  emailChange: 'emailChangeToken',
};

function kindOptions(collection: Collection, kind: FlowKind): { secret: string; duration: number } {
  const config = (collection[OPTION_OF[kind]] ?? {}) as { secret?: string; duration?: number };
  if (!config.secret)
    throw new Error(`auth collection "${collection.name}" has no ${OPTION_OF[kind]} secret`);
  return { secret: config.secret, duration: config.duration || 1800 };
}

function key(secret: string, tokenKey: string): Uint8Array {
  return new TextEncoder().encode(`${tokenKey}${secret}`);
}

/** Issues a flow token for a record (HS256, expiring after the kind's duration). */
export function signFlowToken(
  collection: Collection,
  record: { id: string; tokenKey: string; email: string },
  kind: FlowKind,
  extra: { newEmail?: string } = {},
): Promise<string> {
  const { secret, duration } = kindOptions(collection, kind);
  const claims: FlowClaims = {
    id: record.id,
    type: kind,
    collectionId: collection.id,
    email: record.email,
    ...extra,
  };
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + duration)
    .sign(key(secret, record.tokenKey));
}

/**
 * Verifies a flow token against the record it names: HS256 only, not expired, the
 * expected kind and collection, and still bound to the record's current email.
 * Answers the claims or null.
 */
export async function verifyFlowToken(
  token: string,
  collection: Collection,
  record: { tokenKey: string; email: string },
  kind: FlowKind,
): Promise<FlowClaims | null> {
  try {
    const { secret } = kindOptions(collection, kind);
    const { payload } = await jwtVerify(token, key(secret, record.tokenKey), { algorithms: ['HS256'] });
    const claims = payload as unknown as FlowClaims;
    if (claims.type !== kind || claims.collectionId !== collection.id) return null;
    if (claims.email !== record.email) return null;
    return claims;
  } catch {
    return null;
  }
}

/** Reads a flow token's claims without trusting them: only to find the record whose key verifies it. */
export function peekFlowClaims(token: string): Partial<FlowClaims> | null {
  try {
    return decodeJwt(token) as Partial<FlowClaims>;
  } catch {
    return null;
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies an HS256 JSON Web Token with node:crypto directly. Tokens are checked on
 * every authenticated request, and this path is several times cheaper than going
 * through WebCrypto (jose still issues the tokens). Only `alg: HS256` is accepted, so
 * `none` and algorithm-confusion tokens fail; `exp` (seconds) must lie in the future.
 * Answers the payload, or null for anything malformed, forged or expired.
 */
export function verifyHs256(
  token: string,
  key: Uint8Array | string,
  nowSeconds = Date.now() / 1000,
): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerText, payloadText, signatureText] = parts;
  const header = decodeJson(headerText);
  if (!header || header.alg !== 'HS256' || 'crit' in header) return null;
  const expected = createHmac('sha256', key).update(`${headerText}.${payloadText}`).digest();
  const given = Buffer.from(signatureText, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const payload = decodeJson(payloadText);
  if (!payload || typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return null;
  return payload;
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

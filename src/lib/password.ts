import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * argon2id with OWASP's baseline parameters (19 MiB memory, 2 passes, 1 lane).
 * Hashes are stored in the PHC string format so parameters can change later without
 * breaking old hashes: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 */
export const PASSWORD_COST = { memory: 19456, passes: 2, parallelism: 1, tagLength: 32 } as const;

interface Argon2Params {
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

function derive(password: string, salt: Buffer, params: Argon2Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: password, nonce: salt, ...params }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PASSWORD_COST);
  const p = PASSWORD_COST;
  return `$argon2id$v=19$m=${p.memory},t=${p.passes},p=${p.parallelism}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

// Verifying against this keeps the cost of "no such user" equal to "wrong password".
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * Checks a password against a stored hash in constant time. An empty or malformed
 * hash still costs one derivation, so timing does not reveal whether an account exists.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const match = PHC.exec(stored || DUMMY_HASH) ?? PHC.exec(DUMMY_HASH)!;
  const [, m, t, p, saltText, keyText] = match;
  const expected = Buffer.from(keyText, 'base64url');
  const params = { memory: Number(m), passes: Number(t), parallelism: Number(p), tagLength: expected.length };
  const actual = await derive(password, Buffer.from(saltText, 'base64url'), params);
  const equal = actual.length === expected.length && timingSafeEqual(actual, expected);
  return equal && Boolean(stored) && stored !== DUMMY_HASH;
}

import { randomBytes, randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A cryptographically random string of `length` characters drawn from `alphabet`. */
export function randomString(length: number, alphabet: string = LOWER_ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

// Random bytes drawn in blocks: one crypto call per ~4 KB instead of one per character.
let pool = Buffer.alloc(0);
let offset = 0;

function randomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++];
}

/**
 * A record/collection id as PocketBase makes them: 15 characters of [a-z0-9]. Made on
 * every create and every stored log entry, so it draws from a byte pool; bytes of 252
 * and above are skipped so each of the 36 characters stays equally likely.
 */
export function newRecordId(): string {
  let out = '';
  while (out.length < 15) {
    const byte = randomByte();
    if (byte < 252) out += LOWER_ALNUM[byte % 36];
  }
  return out;
}

import { randomBytes, randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

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
 * A cryptographically random integer in [0, n), every value equally likely. Made for the
 * small ranges of id alphabets: up to 256 it draws from the byte pool (bytes past the
 * largest multiple of n are skipped, so no value is favoured), above it asks crypto.
 */
export function randomBelow(n: number): number {
  if (n > 256) return randomInt(n);
  const limit = 256 - (256 % n);
  for (;;) {
    const byte = randomByte();
    if (byte < limit) return byte % n;
  }
}

/** A cryptographically random string of `length` characters drawn from `alphabet`. */
export function randomString(length: number, alphabet: string = LOWER_ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomBelow(alphabet.length)];
  return out;
}

/**
 * A record/collection id as PocketBase makes them: 15 characters of [a-z0-9]. Made on
 * every create and every stored log entry, so it draws from the byte pool.
 */
export function newRecordId(): string {
  return randomString(15);
}

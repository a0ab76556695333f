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

let lastMs = 0;
let lastPrefix = '000000000';
let sequence = 0;

/**
 * A 15-character [a-z0-9] id that sorts by creation time: 9 characters of milliseconds,
 * 3 of a per-millisecond counter, 3 random. For append-only tables such as the request
 * log: a random id lands anywhere in the primary-key index, so each insert touches a
 * different page, and with a few hundred thousand rows an insert costs several times more
 * than one that appends at the index's end. Ids of one process never repeat and never
 * go backwards, even when `now` does (a clock step, or entries timed out of order).
 */
export function newSequentialId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
    lastPrefix = lastMs.toString(36).padStart(9, '0');
  } else if (++sequence >= 46_656) {
    // 36^3 ids in one millisecond: carry on in the next one
    lastMs++;
    sequence = 0;
    lastPrefix = lastMs.toString(36).padStart(9, '0');
  }
  return lastPrefix + sequence.toString(36).padStart(3, '0') + randomString(3);
}

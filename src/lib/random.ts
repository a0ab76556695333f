import { randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A cryptographically random string of `length` characters drawn from `alphabet`. */
export function randomString(length: number, alphabet: string = LOWER_ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A record/collection id as PocketBase makes them: 15 characters of [a-z0-9]. */
export function newRecordId(): string {
  return randomString(15);
}

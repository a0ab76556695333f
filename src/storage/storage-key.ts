import { StorageError } from './storage-driver.ts';

/** Longest key accepted, in UTF-8 bytes (S3's own limit). */
export const MAX_KEY_BYTES = 1024;

/**
 * Checks a storage key and returns it in Unicode NFC form. Keys are `/`-separated
 * relative paths: no empty, `.` or `..` segment, no leading `/`, no backslash, NUL or
 * control character. Lookalikes (fullwidth `．．／`, the one-dot leader…) are caught by
 * also checking the NFKC form, which folds them onto the ASCII characters they imitate.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw invalid(key, 'it is empty');
  const normal = key.normalize('NFC');
  if (Buffer.byteLength(normal) > MAX_KEY_BYTES) throw invalid(key, `it is over ${MAX_KEY_BYTES} bytes`);
  for (const form of [normal, normal.normalize('NFKC')]) {
    if (/[\u0000-\u001f\u007f\\]/.test(form)) throw invalid(key, 'it holds a control character or backslash');
    if (form.startsWith('/')) throw invalid(key, 'it is absolute');
    if (form.split('/').some((s) => s === '..' || s === '.')) throw invalid(key, 'it has a . or .. segment');
  }
  if (normal.split('/').some((s) => s === '')) throw invalid(key, 'it has an empty segment');
  return normal;
}

/** Checks a listing prefix: empty is allowed, else the same rules as a key (a trailing `/` is fine). */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return '';
  const trailing = prefix.endsWith('/');
  const checked = checkKey(trailing ? prefix.slice(0, -1) : prefix);
  return trailing ? `${checked}/` : checked;
}

function invalid(key: string, why: string): StorageError {
  return new StorageError(
    'invalid_key',
    `The storage key ${JSON.stringify(String(key).slice(0, 200))} is refused: ${why}.`,
  );
}

import type { DbDriver } from '../../db/driver.ts';
import type { S3Object } from './s3-store.ts';

/** Where a listing resumes: after a key, or past everything under a common prefix. */
export interface ListCursor {
  value: string;
  isPrefix: boolean;
}

export interface ListQuery {
  prefix: string;
  delimiter: string;
  cursor: ListCursor | null;
  maxKeys: number;
}

export interface ListResult {
  objects: S3Object[];
  prefixes: string[];
  truncated: boolean;
  /** the last entry returned, to resume from */
  last: ListCursor | null;
}

/** The smallest string above every string that starts with `prefix`. */
function pastPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Lists a bucket in key order (the database compares keys bytewise, as S3 does),
 * rolling keys that contain the delimiter after the prefix into common prefixes.
 * Each common prefix costs one query that jumps past its whole subtree, so a listing
 * of a folder never reads the folder's descendants.
 */
export async function listObjects(db: DbDriver, bucket: string, query: ListQuery): Promise<ListResult> {
  const { prefix, delimiter, maxKeys } = query;
  const result: ListResult = { objects: [], prefixes: [], truncated: false, last: null };
  let op = '>';
  let from = '';
  if (query.cursor)
    [op, from] = query.cursor.isPrefix ? ['>=', pastPrefix(query.cursor.value)] : ['>', query.cursor.value];
  if (prefix > from) [op, from] = ['>=', prefix];
  const count = () => result.objects.length + result.prefixes.length;
  for (;;) {
    const limit = Math.min(maxKeys - count() + 1, 1000);
    const rows = await db.all<S3Object & { metadata: string }>(
      `SELECT * FROM "_s3_objects" WHERE "bucket" = ? AND "key" ${op} ? ORDER BY "key" LIMIT ?`,
      [bucket, from, limit],
    );
    let jumped = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return result;
      if (count() === maxKeys) {
        result.truncated = true;
        return result;
      }
      const at = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const common = row.key.slice(0, at + delimiter.length);
        result.prefixes.push(common);
        result.last = { value: common, isPrefix: true };
        [op, from] = ['>=', pastPrefix(common)];
        jumped = true;
        break;
      }
      result.objects.push({ ...row, size: Number(row.size), metadata: JSON.parse(row.metadata) });
      result.last = { value: row.key, isPrefix: false };
      [op, from] = ['>', row.key];
    }
    if (!jumped && rows.length < limit) return result;
  }
}

/** Opaque continuation tokens for ListObjectsV2. */
export const continuation = {
  encode: (cursor: ListCursor) =>
    Buffer.from(JSON.stringify([cursor.value, cursor.isPrefix])).toString('base64url'),
  decode(token: string): ListCursor | null {
    try {
      const [value, isPrefix] = JSON.parse(Buffer.from(token, 'base64url').toString());
      return typeof value === 'string' ? { value, isPrefix: Boolean(isPrefix) } : null;
    } catch {
      return null;
    }
  },
};

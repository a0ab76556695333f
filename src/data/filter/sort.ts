import type { SqlValue } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import { type CompileOptions, createContext } from './compile-filter.ts';
import { SqlWriter } from './compile-sql.ts';
import { resolvePath } from './resolve-path.ts';
import { type Fragment, join, sql } from './sql-fragment.ts';

/** PocketBase's limits: at most 8 sort keys, each at most 255 characters. */
export const MAX_SORT_KEYS = 8;
export const MAX_SORT_KEY_LENGTH = 255;
const KEY = /^[A-Za-z_]\w*(\.\w+)*(:\w+)?$/;

function sortError(message: string): ApiError {
  return new ApiError('invalid_sort', `Invalid sort: ${message}`);
}

/**
 * Compiles a sort parameter (`-created,title,author.name,@random`) into the body of an
 * ORDER BY clause. `-` sorts descending, `+` or nothing ascending; `@random` and
 * `@rowid` are the special keys. Relation paths become scalar subqueries; paths through
 * multi-valued fields are refused because they have no single value to sort by.
 */
export function compileSort(text: string, opts: CompileOptions): { sql: string; params: SqlValue[] } {
  const keys = text.split(',').map((k) => k.trim());
  if (keys.length > MAX_SORT_KEYS)
    throw sortError(`${keys.length} sort keys given; the limit is ${MAX_SORT_KEYS}.`);
  const w = new SqlWriter(opts.dialect);
  return join(
    keys.map((k, i) => sortKey(w, k, i, opts)),
    ', ',
  );
}

function insertionOrder(w: SqlWriter, opts: CompileOptions): string {
  const column = opts.insertionOrderColumn;
  if (!column) return w.dialect.rowid(opts.tableAlias);
  return `${w.dialect.quote(opts.tableAlias)}.${w.dialect.quote(column)}`;
}

function sortKey(w: SqlWriter, key: string, index: number, opts: CompileOptions): Fragment {
  if (key === '') throw sortError(`sort key ${index + 1} is empty.`);
  if (key.length > MAX_SORT_KEY_LENGTH)
    throw sortError(`a sort key is longer than ${MAX_SORT_KEY_LENGTH} characters.`);
  const desc = key.startsWith('-');
  const name = desc || key.startsWith('+') ? key.slice(1) : key;
  const dir = desc ? 'DESC' : 'ASC';
  if (name === '@random') return sql`${w.dialect.random()}`;
  if (name === '@rowid') return sql`${insertionOrder(w, opts)} ${dir}`;
  if (!KEY.test(name)) throw sortError(`"${name}" is not a field name.`);
  const ctx = createContext(opts);
  let operand: ReturnType<typeof resolvePath>;
  try {
    operand = resolvePath(ctx, { kind: 'record' }, name.split('.'));
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'invalid_filter')
      throw sortError(err.message.replace(/^Invalid filter: /, ''));
    throw err;
  }
  if (operand.kind !== 'expr') throw sortError(`cannot sort by "${name}".`);
  if (operand.every)
    throw sortError(`"${name}" may hold several values per record, so it cannot be sorted by.`);
  const raw = w.value(operand.value);
  // a guarded value (an auth record's hidden email) sorts as NULL, so the order reveals nothing
  const value = operand.guard
    ? sql`CASE WHEN ${w.value(operand.guard)} = ${w.dialect.bool(true)} THEN ${raw} END`
    : raw;
  if (ctx.joins.joins.length === 0) return sql`${value} ${dir}`;
  return sql`(SELECT ${value} FROM ${w.from(ctx.names.next(), ctx.joins.joins)}) ${dir}`;
}

import type { SqlValue } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection } from '../collection-types.ts';
import { compileFilter, compileSort } from '../filter/index.ts';
import type { RecordContext } from './record-context.ts';
import {
  ALIAS,
  compileOptions,
  type RecordDeps,
  reader,
  ruleCondition,
  selectList,
  type SqlPart,
  whereClause,
} from './record-deps.ts';
import type { ListParams, ListResult } from './record-list-params.ts';
import type { RecordRow } from './record-output.ts';

/**
 * Lists records the caller may see: the list rule and the client's filter become one
 * WHERE clause; sort and paging go to SQL; the total is counted unless `skipTotal`.
 */
export async function listRecords(
  deps: RecordDeps,
  collection: Collection,
  params: ListParams,
  ctx: RecordContext,
): Promise<ListResult<RecordRow>> {
  const rule = ruleCondition(deps, collection, collection.listRule, ctx);
  const options = compileOptions(deps, collection, ctx);
  const filter = params.filter ? compileFilter(params.filter, options) : null;
  const sort = params.sort ? compileSort(params.sort, options) : null;
  const where = whereClause([rule, filter]);
  const q = deps.db.dialect.quote;
  const from = `FROM ${q(collection.name)} ${q(ALIAS)}`;
  const order = sort?.sql ? ` ORDER BY ${sort.sql}` : '';
  const offset = (params.page - 1) * params.perPage;
  const db = reader(deps, ctx);
  const rows = await db.all<RecordRow>(
    `SELECT ${selectList(deps, collection)} ${from}${where.sql}${order} LIMIT ? OFFSET ?`,
    [...where.params, ...(sort?.params ?? []), params.perPage, offset],
  );
  if (params.skipTotal) {
    return { page: params.page, perPage: params.perPage, totalItems: -1, totalPages: -1, items: rows };
  }
  const count = await db.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}${where.sql}`, where.params);
  const total = Number(count?.n ?? 0);
  return {
    page: params.page,
    perPage: params.perPage,
    totalItems: total,
    totalPages: Math.ceil(total / params.perPage),
    items: rows,
  };
}

// the by-id SELECT without a rule condition, per collection (a changed collection is a new object)
const byIdSql = new WeakMap<Collection, string>();

/** Fetches one row by id that passes `condition`; undefined when missing or hidden by it. */
export async function findRow(
  deps: RecordDeps,
  collection: Collection,
  id: string,
  condition: SqlPart | null,
  ctx: RecordContext,
): Promise<RecordRow | undefined> {
  const cached = condition?.sql ? undefined : byIdSql.get(collection);
  if (cached) return reader(deps, ctx).get<RecordRow>(cached, [id]);
  const q = deps.db.dialect.quote;
  const where = whereClause([{ sql: `${q(ALIAS)}.${q('id')} = ?`, params: [id] }, condition]);
  const sql = `SELECT ${selectList(deps, collection)} FROM ${q(collection.name)} ${q(ALIAS)}${where.sql} LIMIT 1`;
  if (!condition?.sql) byIdSql.set(collection, sql);
  return reader(deps, ctx).get<RecordRow>(sql, where.params);
}

/** One record the caller may view, or a 404 that does not tell "hidden" from "missing". */
export async function viewRecord(
  deps: RecordDeps,
  collection: Collection,
  id: string,
  ctx: RecordContext,
): Promise<RecordRow> {
  const rule = ruleCondition(deps, collection, collection.viewRule, ctx);
  const row = await findRow(deps, collection, id, rule, ctx);
  if (!row) throw new ApiError('not_found');
  return row;
}

/** Rows of `collection` with the given ids that pass the caller's view rule (expand). */
export async function findVisibleByIds(
  deps: RecordDeps,
  collection: Collection,
  ids: readonly string[],
  ctx: RecordContext,
): Promise<RecordRow[]> {
  if (ids.length === 0) return [];
  let rule: SqlPart | null;
  try {
    rule = ruleCondition(deps, collection, collection.viewRule, ctx);
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'superuser_only') return [];
    throw error;
  }
  const q = deps.db.dialect.quote;
  const inList: SqlPart = {
    sql: `${q(ALIAS)}.${q('id')} IN (${ids.map(() => '?').join(', ')})`,
    params: [...ids] as SqlValue[],
  };
  const where = whereClause([inList, rule]);
  return reader(deps, ctx).all<RecordRow>(
    `SELECT ${selectList(deps, collection)} FROM ${q(collection.name)} ${q(ALIAS)}${where.sql}`,
    where.params,
  );
}

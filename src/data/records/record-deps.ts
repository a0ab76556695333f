import type { DbDriver, Queryable } from '../../db/driver.ts';
import { ApiError } from '../../lib/errors.ts';
import type { Collection, Rule } from '../collection-types.ts';
import type { CollectionRegistry } from '../collections/collection-registry.ts';
import { compileFilter, type CompileOptions } from '../filter/index.ts';
import type { RecordContext } from './record-context.ts';
import { requestInfo } from './record-request-info.ts';

/** Limits from config that records operations enforce. */
export interface RecordLimits {
  filterMaxLength: number;
  filterMaxExpressions: number;
  perPageMax: number;
  perPageDefault: number;
  expandMaxDepth: number;
}

/** What every records operation needs; built once by the service. */
export interface RecordDeps {
  db: DbDriver;
  registry: CollectionRegistry;
  limits: RecordLimits;
}

/** SQL plus its bound values. */
export interface SqlPart {
  sql: string;
  params: import('../../db/driver.ts').SqlValue[];
}

export const ALIAS = 't';

const selectLists = new WeakMap<Collection, string>();

/**
 * `"t"."id", "t"."title", …`: every column of a collection's table, named. Record reads
 * name their columns instead of `t.*` so the driver can read rows as arrays (see the
 * SQLite connection); a changed collection is a new object, and so a new list.
 */
export function selectList(deps: RecordDeps, collection: Collection): string {
  let list = selectLists.get(collection);
  if (!list) {
    const q = deps.db.dialect.quote;
    list = collection.fields.map((field) => `${q(ALIAS)}.${q(field.name)}`).join(', ');
    selectLists.set(collection, list);
  }
  return list;
}

/** Where reads go: the caller's transaction when there is one (to see its own writes). */
export function reader(deps: RecordDeps, ctx: RecordContext): Queryable {
  return ctx.tx ?? deps.db;
}

export function compileOptions(
  deps: RecordDeps,
  collection: Collection,
  ctx: RecordContext,
  body?: Record<string, unknown>,
): CompileOptions {
  return {
    dialect: deps.db.dialect,
    schema: { collection: (nameOrId: string) => deps.registry.find(nameOrId) },
    collection,
    tableAlias: ALIAS,
    request: requestInfo(ctx, body),
    allowHiddenFields: ctx.isSuperuser,
    maxExpressions: deps.limits.filterMaxExpressions,
    maxLength: deps.limits.filterMaxLength,
  };
}

/**
 * The SQL condition of an access rule for this caller: `null` when the rule lets
 * everyone through (superusers, or an empty rule). A `null` rule (superusers only)
 * answers 403 for anyone else, in PocketBase's words.
 */
export function ruleCondition(
  deps: RecordDeps,
  collection: Collection,
  rule: Rule,
  ctx: RecordContext,
  body?: Record<string, unknown>,
): SqlPart | null {
  if (ctx.isSuperuser) return null;
  if (rule === null) throw new ApiError('superuser_only');
  if (rule.trim() === '') return null;
  return compileFilter(rule, {
    ...compileOptions(deps, collection, ctx, body),
    allowHiddenFields: true,
    maxLength: Number.POSITIVE_INFINITY,
    maxExpressions: Number.POSITIVE_INFINITY,
  });
}

/** Joins conditions with AND, skipping absent ones. */
export function whereClause(parts: (SqlPart | null)[]): SqlPart {
  const present = parts.filter((p): p is SqlPart => p !== null && p.sql !== '');
  if (present.length === 0) return { sql: '', params: [] };
  return {
    sql: ` WHERE ${present.map((p) => `(${p.sql})`).join(' AND ')}`,
    params: present.flatMap((p) => p.params),
  };
}

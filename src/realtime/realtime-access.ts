import type { Collection, Rule } from '../data/collection-types.ts';
import { compileFilter } from '../data/filter/index.ts';
import type { RecordContext } from '../data/records/record-context.ts';
import {
  ALIAS,
  compileOptions,
  type RecordDeps,
  ruleCondition,
  type SqlPart,
  whereClause,
} from '../data/records/record-deps.ts';
import { parseFields, pickFields } from '../data/records/record-fields.ts';
import type { RecordRow } from '../data/records/record-output.ts';
import type { RecordsService } from '../data/records/records-service.ts';

/**
 * Whether the client behind `ctx` may see `row` under `rule`, and matches its own
 * subscription `filter`. The rule runs as SQL, like a list or view request would:
 * against the stored row for creates and updates, and against the event's copy of
 * the row for deletes (the stored one is gone), given to SQL as a one-row derived
 * table under the alias rules are compiled for. A broken rule or filter means "no".
 */
export async function canSee(
  deps: RecordDeps,
  collection: Collection,
  rule: Rule,
  row: RecordRow,
  ctx: RecordContext,
  fromSnapshot: boolean,
): Promise<boolean> {
  let condition: SqlPart | null;
  let filter: SqlPart | null = null;
  try {
    condition = ruleCondition(deps, collection, rule, ctx);
    const text = ctx.query.filter;
    if (text) filter = compileFilter(text, compileOptions(deps, collection, ctx));
  } catch {
    return false;
  }
  const where = whereClause([condition, filter]);
  if (!where.sql) return true;
  const q = deps.db.dialect.quote;
  const source = fromSnapshot ? snapshotTable(deps, row) : { sql: q(collection.name), params: [] };
  const idMatch = fromSnapshot ? '' : ` AND ${q(ALIAS)}.${q('id')} = ?`;
  const sql = `SELECT 1 AS ok FROM ${source.sql} ${q(ALIAS)}${where.sql}${idMatch} LIMIT 1`;
  try {
    const params = [...source.params, ...where.params, ...(fromSnapshot ? [] : [String(row.id)])];
    return (await deps.db.get(sql, params)) !== undefined;
  } catch {
    return false;
  }
}

/** `(SELECT ? AS "id", ? AS "title", …)`: the row as a table of one row. */
function snapshotTable(deps: RecordDeps, row: RecordRow): SqlPart {
  const q = deps.db.dialect.quote;
  const columns = Object.keys(row);
  return {
    sql: `(SELECT ${columns.map((c) => `? AS ${q(c)}`).join(', ')})`,
    params: columns.map((c) => toSqlValue(row[c])),
  };
}

function toSqlValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value);
}

/**
 * The record as this client should see it: API form with the client's own `expand`
 * (each relation under its view rule) and `fields`. A bad expand or fields value is
 * ignored, as PocketBase logs and skips it.
 */
export async function shapeRecord(
  records: RecordsService,
  collection: Collection,
  row: RecordRow,
  ctx: RecordContext,
): Promise<unknown> {
  let json: unknown;
  try {
    [json] = await records.toJSON(collection, [row], ctx, ctx.query.expand || undefined);
  } catch {
    [json] = await records.toJSON(collection, [row], ctx);
  }
  if (!ctx.query.fields) return json;
  try {
    const tree = parseFields(ctx.query.fields);
    return tree ? pickFields(json, tree) : json;
  } catch {
    return json;
  }
}

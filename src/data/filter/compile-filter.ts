import type { Dialect } from '../../db/dialect.ts';
import type { SqlValue } from '../../db/driver.ts';
import type { Collection } from '../collection-types.ts';
import type { FilterNode } from './ast.ts';
import { compileNode } from './compile-compare.ts';
import { SqlWriter } from './compile-sql.ts';
import { AliasSource, JoinRegistry } from './joins.ts';
import { parseFilter } from './parser.ts';
import type { FilterPlan, Operand, PlanNode } from './plan.ts';
import { resolveNode } from './resolve.ts';
import type { FilterSchema, RequestInfo, ResolveContext } from './resolve-context.ts';
import { sql } from './sql-fragment.ts';

export interface CompileOptions {
  dialect: Dialect;
  schema: FilterSchema;
  /** the collection whose records are filtered */
  collection: Collection;
  /** alias of that collection's table in the outer query, e.g. `t` in `SELECT t.* FROM "posts" t` */
  tableAlias: string;
  /** the request for `@request.*`; absent → every `@request.*` value is NULL */
  request?: RequestInfo;
  /** false for client filters (hidden fields are refused), true for rules and superusers */
  allowHiddenFields?: boolean;
  /** comparisons allowed in one filter (default 200) */
  maxExpressions?: number;
  /** characters allowed in one filter (default 3500) */
  maxLength?: number;
  /** clock for the date macros (default: now) */
  now?: Date;
  /**
   * The column that orders the table's rows as they were inserted, for the sort key
   * `@rowid`, where the table has no row key of its own (a `WITHOUT ROWID` table)
   */
  insertionOrderColumn?: string;
}

/** Builds the resolver context for one compilation. */
export function createContext(opts: CompileOptions): ResolveContext {
  const names = new AliasSource();
  return {
    schema: opts.schema,
    collection: opts.collection,
    tableAlias: opts.tableAlias,
    request: opts.request,
    allowHiddenFields: opts.allowHiddenFields ?? false,
    now: opts.now ?? new Date(),
    names,
    joins: new JoinRegistry(names),
    keyPrefix: '',
    ruleJoins: [],
  };
}

/** Resolves a parsed filter into an engine-neutral plan. */
export function planFilter(ast: FilterNode, ctx: ResolveContext): FilterPlan {
  const node = resolveNode(ctx, ast);
  const rules = ctx.ruleJoins.map(({ collection, alias }) => listRuleCondition(ctx, collection, alias));
  return { node: rules.length > 0 ? { kind: 'and', items: [node, ...rules] } : node, joins: ctx.joins.joins };
}

/**
 * `alias.id = '' || (listRule)` for a collection a client filter joined: a missing
 * record passes, a present one only when its list rule holds (as in PocketBase).
 */
function listRuleCondition(ctx: ResolveContext, collection: Collection, alias: string): PlanNode {
  const rule = {
    ...ctx,
    collection,
    tableAlias: alias,
    allowHiddenFields: true,
    keyPrefix: `rule:${alias}:`,
  };
  const node = resolveNode(rule, parseFilter(collection.listRule ?? ''));
  const id: Operand = {
    kind: 'expr',
    value: { kind: 'column', alias, column: 'id', affinity: 'text' },
    nullMode: 'auto',
  };
  const missing: PlanNode = {
    kind: 'compare',
    op: '=',
    any: false,
    left: id,
    right: { kind: 'value', value: '', lower: false },
  };
  return { kind: 'or', items: [missing, node] };
}

/**
 * Compiles filter text into a SQL condition on `tableAlias`. Relation paths become a
 * correlated `EXISTS (SELECT 1 FROM … LEFT JOIN … WHERE …)`, so the outer query needs no
 * joins and no DISTINCT. Throws `invalid_filter` for syntax, unknown fields and limits.
 */
export function compileFilter(text: string, opts: CompileOptions): { sql: string; params: SqlValue[] } {
  const ast = parseFilter(text, { maxLength: opts.maxLength, maxExpressions: opts.maxExpressions });
  const ctx = createContext(opts);
  return compilePlan(planFilter(ast, ctx), ctx, opts.dialect);
}

export function compilePlan(
  plan: FilterPlan,
  ctx: ResolveContext,
  dialect: Dialect,
): { sql: string; params: SqlValue[] } {
  const w = new SqlWriter(dialect);
  const cond = compileNode(w, ctx.names, plan.node);
  if (plan.joins.length === 0) return cond;
  return sql`EXISTS (SELECT 1 FROM ${w.from(ctx.names.next(), plan.joins)} WHERE ${cond})`;
}

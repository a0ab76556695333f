/**
 * The engine-neutral plan a filter resolves to: comparisons over operands, plus the
 * joins the operands read through. The SQL compiler renders it; the in-memory
 * evaluator interprets it, so both share one reading of PocketBase's semantics.
 */
import type { Collection } from '../collection-types.ts';
import type { CompareOp } from './ast.ts';

/** How SQLite-style comparisons coerce a column's values. */
export type Affinity = 'numeric' | 'text' | 'none';

/**
 * A row source joined (LEFT JOIN) under a parent alias. Every join yields at least one
 * row per parent row; when nothing matches, that row is all NULL.
 */
export type JoinDef =
  /** every row of a collection (`@collection.x`) */
  | { kind: 'all'; alias: string; collection: Collection }
  /** the rows of a collection with the given ids (`@request.auth`, body relation ids) */
  | { kind: 'ids'; alias: string; collection: Collection; ids: string[] }
  /** the items of a JSON array given as text (`@request.body.x:each`), column `value` */
  | { kind: 'items'; alias: string; json: string }
  /** the items of a JSON array column of the parent row, column `value` */
  | { kind: 'each'; alias: string; parent: string; column: string }
  /** target rows whose id equals the parent's column (`parent.column` holds one id) */
  | { kind: 'byId'; alias: string; parent: string; column: string; collection: Collection }
  /** source rows whose single relation column holds the parent's id */
  | { kind: 'back'; alias: string; parent: string; column: string; collection: Collection }
  /** source rows whose multi relation column (JSON array) contains the parent's id */
  | { kind: 'backMany'; alias: string; parent: string; column: string; collection: Collection };

/** A value read from a joined row or computed from one. */
export type ValueExpr =
  | { kind: 'column'; alias: string; column: string; affinity: Affinity }
  | { kind: 'jsonExtract'; of: ValueExpr; path: string[] }
  /** items of a JSON array column (0 when NULL) */
  | { kind: 'arrayLength'; of: ValueExpr }
  /** 0 for '' or NULL, else 1: the item count of a single-valued field */
  | { kind: 'singleLength'; of: ValueExpr }
  | { kind: 'lower'; of: ValueExpr };

/** An independent copy of an operand's joins, used to check that every item matches. */
export interface Chain {
  joins: JoinDef[];
  value: ValueExpr;
}

/**
 * How `=`/`!=` treat NULL next to '' (PocketBase's NullFallback):
 * `auto` makes NULL and '' equal, `disabled` compares with IS / IS NOT,
 * `nonEmpty` marks a value known to be non-empty.
 */
export type NullMode = 'auto' | 'disabled' | 'nonEmpty';

export type Operand =
  /** a value known at compile time: literals, macros, request data */
  | { kind: 'value'; value: string | number | boolean | null; lower: boolean }
  /** a value read through joins; `every` is set when it may hold several items */
  | { kind: 'expr'; value: ValueExpr; nullMode: NullMode; every?: Chain; guard?: ValueExpr }
  /** `@request.body.x:changed`: a boolean computed from another comparison */
  | { kind: 'changed'; set: boolean; compare: PlanCompare };

export interface PlanCompare {
  kind: 'compare';
  op: CompareOp;
  any: boolean;
  left: Operand;
  right: Operand;
}

export type PlanNode = PlanCompare | { kind: 'and' | 'or'; items: PlanNode[] };

/** A resolved filter: the condition, evaluated for some combination of the joined rows. */
export interface FilterPlan {
  node: PlanNode;
  joins: JoinDef[];
}

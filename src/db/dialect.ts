/**
 * SQL spelling that differs between engines. Everything above `db/` builds SQL through
 * this interface, so a new engine is one more dialect file, not a rewrite.
 * Identifiers passed in have already been validated as `[A-Za-z_][A-Za-z0-9_]*`.
 */
export interface Dialect {
  /** a short engine label for messages and SQL comments, never for branching */
  readonly label: string;
  /** Quotes an identifier (table, column, alias). */
  quote(identifier: string): string;
  /** A table expression yielding one row per element of the JSON array in `expr`, as column `value` aliased `alias`. */
  jsonEach(expr: string, alias: string): string;
  /**
   * `expr` itself when it holds a JSON array, otherwise a one-element JSON array of its
   * value (NULL included). Keeps JSON functions safe on values that are not JSON.
   */
  jsonArray(expr: string): string;
  /** The number of elements of the JSON array in `expr`: 0 for '' or NULL, 1 for any other non-array value. */
  jsonArrayLength(expr: string): string;
  /** The last element of the JSON array in `expr` as text, NULL when empty or not an array. */
  jsonLastItem(expr: string): string;
  /** Extracts a value at a path of object keys / array indexes from JSON in `expr` (NULL when `expr` is not JSON); the path is bound as a parameter. */
  jsonExtract(expr: string, pathParam: string): string;
  /** Builds the bound path value for `jsonExtract` from its segments. */
  jsonPath(segments: readonly string[]): string;
  /** Case-insensitive LIKE with `\` as the escape character. */
  like(lhs: string, rhs: string, negate: boolean): string;
  /** NULL-safe comparison: `lhs IS NOT rhs` when `distinct`, else `lhs IS rhs` (NULL equals NULL). */
  isDistinct(lhs: string, rhs: string, distinct: boolean): string;
  /** An expression ordering rows randomly. */
  random(): string;
  /** The engine's insertion-order row key of the table aliased `tableAlias` (sort key `@rowid`). */
  rowid(tableAlias: string): string;
  /** Column type for a field storage class. */
  columnType(kind: ColumnKind): string;
  /** Literal for a boolean value (bound values use 1/0 on SQLite). */
  bool(value: boolean): string;
  /** Case folding of a text expression (`:lower`). */
  lower(expr: string): string;
}

/** Storage classes of field columns. */
export type ColumnKind = 'text' | 'number' | 'bool' | 'json' | 'id';

import type { ColumnKind, Dialect } from '../dialect.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const COLUMN_TYPES: Record<ColumnKind, string> = {
  text: 'TEXT',
  number: 'NUMERIC',
  bool: 'INTEGER',
  // TEXT, not JSON: a JSON declared type gets NUMERIC affinity and would turn '5' into 5
  json: 'TEXT',
  id: 'TEXT',
};

/** SQLite spelling (node:sqlite, SQLite 3.45+ with the JSON functions built in). */
export const sqliteDialect: Dialect = {
  label: 'sqlite',

  quote(identifier) {
    if (!IDENTIFIER.test(identifier))
      throw new Error(`refusing to quote invalid SQL identifier ${JSON.stringify(identifier)}`);
    return `"${identifier}"`;
  },

  jsonEach(expr, alias) {
    return `json_each(${expr}) AS ${this.quote(alias)}`;
  },

  jsonArray(expr) {
    // CASE, not AND: json_type() fails on malformed JSON and AND may evaluate both sides
    return `(CASE WHEN (CASE WHEN json_valid(${expr}) THEN json_type(${expr}) = 'array' ELSE 0 END) THEN ${expr} ELSE json_array(${expr}) END)`;
  },

  jsonArrayLength(expr) {
    return `(CASE WHEN ${expr} IS NULL OR ${expr} = '' THEN 0 ELSE json_array_length(${this.jsonArray(expr)}) END)`;
  },

  jsonLastItem(expr) {
    return `(CASE WHEN (CASE WHEN json_valid(${expr}) THEN json_type(${expr}) = 'array' ELSE 0 END) THEN json_extract(${expr}, '$[#-1]') END)`;
  },

  jsonExtract(expr, pathParam) {
    return `(CASE WHEN json_valid(${expr}) THEN json_extract(${expr}, ${pathParam}) END)`;
  },

  jsonPath(segments) {
    // numeric segments index arrays; other keys are quoted so any word is a valid label
    return `$${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s}"`)).join('')}`;
  },

  like(lhs, rhs, negate) {
    // SQLite's LIKE already ignores ASCII case
    return `${lhs} ${negate ? 'NOT LIKE' : 'LIKE'} ${rhs} ESCAPE '\\'`;
  },

  isDistinct(lhs, rhs, distinct) {
    return `${lhs} ${distinct ? 'IS NOT' : 'IS'} ${rhs}`;
  },

  random() {
    return 'RANDOM()';
  },

  rowid(tableAlias) {
    return `${this.quote(tableAlias)}."_rowid_"`;
  },

  columnType(kind) {
    return COLUMN_TYPES[kind];
  },

  bool(value) {
    return value ? '1' : '0';
  },

  lower(expr) {
    return `LOWER(${expr})`;
  },
};

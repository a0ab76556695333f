import type { Dialect } from '../../db/dialect.ts';
import type { SqlValue } from '../../db/driver.ts';
import type { Collection, Field } from '../collection-types.ts';
import { isMultiValued } from '../collection-types.ts';
import { fieldKind } from '../fields/registry.ts';
import { indexSql, parseIndex } from './collection-index.ts';

/**
 * SQL statements that make a collection's table match its definition. Every
 * identifier was validated before it gets here; defaults are our own constants.
 */

function literal(value: SqlValue): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** The column definition of one field. */
export function columnSql(field: Field, dialect: Dialect): string {
  const kind = fieldKind(field.type);
  const type = dialect.columnType(kind.columnKind(field));
  if (field.primaryKey) return `${dialect.quote(field.name)} ${type} PRIMARY KEY NOT NULL`;
  const zero = kind.zero(field);
  const nullability = zero === null ? '' : ' NOT NULL';
  return `${dialect.quote(field.name)} ${type} DEFAULT ${literal(zero)}${nullability}`;
}

/** Statements creating the table of a new collection with its indexes. */
export function createTableSql(collection: Collection, dialect: Dialect): string[] {
  const columns = collection.fields.map((f) => columnSql(f, dialect)).join(', ');
  return [
    `CREATE TABLE ${dialect.quote(collection.name)} (${columns})`,
    ...createIndexesSql(collection, dialect),
  ];
}

/** Statements creating every index of a collection, on its current table name. */
export function createIndexesSql(collection: Collection, dialect: Dialect): string[] {
  const q = (id: string) => dialect.quote(id);
  return collection.indexes.flatMap((raw) => {
    const def = parseIndex(raw);
    return def ? [indexSql(def, collection.name, q)] : [];
  });
}

/** Statements dropping every index of a collection (before columns change). */
export function dropIndexesSql(collection: Collection, dialect: Dialect): string[] {
  return collection.indexes.flatMap((raw) => {
    const def = parseIndex(raw);
    return def ? [`DROP INDEX IF EXISTS ${dialect.quote(def.name)}`] : [];
  });
}

/**
 * Statements turning the table of `before` into the table of `after`, keeping data:
 * fields are matched by id, so a rename is a column rename; single ↔ multi value
 * changes convert the stored values.
 */
export function alterTableSql(before: Collection, after: Collection, dialect: Dialect): string[] {
  const q = (id: string) => dialect.quote(id);
  const statements = dropIndexesSql(before, dialect);
  if (before.name !== after.name) statements.push(`ALTER TABLE ${q(before.name)} RENAME TO ${q(after.name)}`);
  const table = q(after.name);
  const afterIds = new Set(after.fields.map((f) => f.id));
  for (const old of before.fields) {
    if (!afterIds.has(old.id)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${q(old.name)}`);
  }
  for (const field of after.fields) {
    const old = before.fields.find((f) => f.id === field.id);
    if (!old) {
      statements.push(`ALTER TABLE ${table} ADD COLUMN ${columnSql(field, dialect)}`);
      continue;
    }
    if (old.name !== field.name)
      statements.push(`ALTER TABLE ${table} RENAME COLUMN ${q(old.name)} TO ${q(field.name)}`);
    statements.push(...convertMultiplicity(old, field, table, dialect));
  }
  statements.push(...createIndexesSql(after, dialect));
  return statements;
}

/** Converts stored values when a select/relation/file field switches between single and multiple. */
function convertMultiplicity(old: Field, field: Field, table: string, dialect: Dialect): string[] {
  const wasMulti = isMultiValued(old);
  const isMulti = isMultiValued(field);
  if (wasMulti === isMulti) return [];
  const col = dialect.quote(field.name);
  if (isMulti) {
    return [
      `UPDATE ${table} SET ${col} = CASE WHEN ${col} = '' THEN '[]' ELSE ${dialect.jsonArray(col)} END`,
    ];
  }
  // multiple → single keeps the last item, as PocketBase does
  return [`UPDATE ${table} SET ${col} = COALESCE(${dialect.jsonLastItem(col)}, '')`];
}

import type { Dialect } from '../../db/dialect.ts';
import type { JoinDef, ValueExpr } from './plan.ts';
import { type Fragment, join, param, raw, sql } from './sql-fragment.ts';

/** Renders values and joins of a plan for one dialect. */
export class SqlWriter {
  readonly dialect: Dialect;

  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  col(alias: string, column: string): string {
    return `${this.dialect.quote(alias)}.${this.dialect.quote(column)}`;
  }

  value(v: ValueExpr): Fragment {
    const d = this.dialect;
    switch (v.kind) {
      case 'column':
        return raw(this.col(v.alias, v.column));
      case 'jsonExtract':
        return { sql: d.jsonExtract(this.#plain(v.of), '?'), params: [d.jsonPath(v.path)] };
      case 'arrayLength':
        return raw(d.jsonArrayLength(this.#plain(v.of)));
      case 'singleLength': {
        const of = this.value(v.of);
        return sql`(CASE WHEN ${of} IS NULL OR ${of} = '' THEN 0 ELSE 1 END)`;
      }
      case 'lower': {
        const of = this.value(v.of);
        return { sql: d.lower(of.sql), params: of.params };
      }
    }
  }

  /** SQL of a value without params, for dialect helpers that may repeat their argument. */
  #plain(v: ValueExpr): string {
    const f = this.value(v);
    if (f.params.length > 0) throw new Error('a JSON helper argument must not carry bound params');
    return f.sql;
  }

  /** One LEFT JOIN clause. */
  join(j: JoinDef): Fragment {
    const d = this.dialect;
    const table = 'collection' in j ? `${d.quote(j.collection.name)} AS ${d.quote(j.alias)}` : '';
    switch (j.kind) {
      case 'all':
        return raw(`LEFT JOIN ${table} ON 1=1`);
      case 'ids': {
        const ids = join(j.ids.map(param), ', ');
        return sql`LEFT JOIN ${table} ON ${this.col(j.alias, 'id')} IN (${ids})`;
      }
      case 'items':
        return { sql: `LEFT JOIN ${d.jsonEach('?', j.alias)} ON 1=1`, params: [j.json] };
      case 'each':
        return raw(`LEFT JOIN ${d.jsonEach(d.jsonArray(this.col(j.parent, j.column)), j.alias)} ON 1=1`);
      case 'byId':
        return raw(`LEFT JOIN ${table} ON ${this.col(j.alias, 'id')} = ${this.col(j.parent, j.column)}`);
      case 'back':
        return raw(`LEFT JOIN ${table} ON ${this.col(j.alias, j.column)} = ${this.col(j.parent, 'id')}`);
      case 'backMany': {
        const e = `${j.alias}_e`;
        const items = d.jsonEach(d.jsonArray(this.col(j.alias, j.column)), e);
        return raw(
          `LEFT JOIN ${table} ON ${this.col(j.parent, 'id')} IN (SELECT ${this.col(e, 'value')} FROM ${items})`,
        );
      }
    }
  }

  /** `(SELECT 1) AS base LEFT JOIN …`: one row per combination of joined rows, at least one. */
  from(base: string, joins: JoinDef[]): Fragment {
    return join([raw(`(SELECT 1) AS ${this.dialect.quote(base)}`), ...joins.map((j) => this.join(j))], ' ');
  }
}

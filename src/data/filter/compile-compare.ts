import type { CompareOp } from './ast.ts';
import type { SqlWriter } from './compile-sql.ts';
import type { AliasSource } from './joins.ts';
import type { Chain, Operand, PlanCompare, PlanNode } from './plan.ts';
import { equalityForm, likePattern, type SideInfo, sideInfo } from './semantics.ts';
import { type Fragment, join, param, raw, sql } from './sql-fragment.ts';

/** Renders a plan node as a SQL condition. */
export function compileNode(w: SqlWriter, names: AliasSource, node: PlanNode): Fragment {
  if (node.kind === 'compare') return compileCompare(w, names, node);
  const parts = node.items.map((n) => compileNode(w, names, n));
  const joined = join(parts, node.kind === 'and' ? ' AND ' : ' OR ');
  return sql`(${joined})`;
}

function operandSql(w: SqlWriter, names: AliasSource, o: Operand): Fragment {
  const d = w.dialect;
  if (o.kind === 'expr') return w.value(o.value);
  if (o.kind === 'changed') {
    return sql`(${d.bool(o.set)} = ${d.bool(true)} AND ${compileCompare(w, names, o.compare)})`;
  }
  if (o.value === null) return raw('NULL');
  if (typeof o.value === 'boolean') return raw(d.bool(o.value));
  return o.lower ? { sql: d.lower('?'), params: [o.value] } : param(o.value);
}

interface Side {
  operand: Operand;
  sql: Fragment;
  info: SideInfo;
}

function compileCompare(w: SqlWriter, names: AliasSource, c: PlanCompare): Fragment {
  const l: Side = { operand: c.left, sql: operandSql(w, names, c.left), info: sideInfo(c.left) };
  const r: Side = { operand: c.right, sql: operandSql(w, names, c.right), info: sideInfo(c.right) };
  let out = condition(w, c.op, l, r);
  const lEvery = c.left.kind === 'expr' ? c.left.every : undefined;
  const rEvery = c.right.kind === 'expr' ? c.right.every : undefined;
  if (!c.any && (lEvery || rEvery))
    out = sql`(${out} AND ${everyItem(w, names, c.op, l, r, lEvery, rEvery)})`;
  for (const o of [c.left, c.right]) {
    if (o.kind === 'expr' && o.guard) out = sql`(${out} AND ${w.value(o.guard)} = ${w.dialect.bool(true)})`;
  }
  return out;
}

/**
 * No item may fail: `NOT EXISTS (items WHERE NOT cond)`, over an independent copy of
 * the multi-valued side's joins (both sides' copies when both are multi-valued).
 */
function everyItem(
  w: SqlWriter,
  names: AliasSource,
  op: CompareOp,
  l: Side,
  r: Side,
  le?: Chain,
  re?: Chain,
): Fragment {
  const lItem = le ? { ...l, sql: w.value(le.value) } : l;
  const rItem = re ? { ...r, sql: w.value(re.value) } : r;
  let inner = sql`NOT (${condition(w, op, lItem, rItem)})`;
  if (re) inner = sql`EXISTS (SELECT 1 FROM ${w.from(names.next(), re.joins)} WHERE ${inner})`;
  if (le) inner = sql`EXISTS (SELECT 1 FROM ${w.from(names.next(), le.joins)} WHERE ${inner})`;
  return sql`NOT ${inner}`;
}

function condition(w: SqlWriter, op: CompareOp, l: Side, r: Side): Fragment {
  switch (op) {
    case '=':
    case '!=':
      return equality(w, op === '=', l, r);
    case '~':
    case '!~': {
      const pattern = likeRight(w, r);
      return {
        sql: w.dialect.like(l.sql.sql, pattern.sql, op === '!~'),
        params: [...l.sql.params, ...pattern.params],
      };
    }
    default:
      return sql`${l.sql} ${op} ${r.sql}`;
  }
}

function likeRight(w: SqlWriter, r: Side): Fragment {
  const o = r.operand;
  if (o.kind === 'value' && (typeof o.value === 'string' || typeof o.value === 'number')) {
    const pattern = likePattern(String(o.value));
    return o.lower ? { sql: w.dialect.lower('?'), params: [pattern] } : param(pattern);
  }
  return sql`('%' || ${r.sql} || '%')`;
}

function equality(w: SqlWriter, equal: boolean, l: Side, r: Side): Fragment {
  // `a IS NOT b` rather than `a != b`: a NULL side must still count as different
  const cmp = (a: Fragment, b: Fragment, distinct: boolean): Fragment =>
    distinct
      ? { sql: w.dialect.isDistinct(a.sql, b.sql, true), params: [...a.params, ...b.params] }
      : sql`${a} = ${b}`;
  const empty = raw("''");
  switch (equalityForm(l.info, r.info)) {
    case 'is':
      return {
        sql: w.dialect.isDistinct(l.sql.sql, r.sql.sql, !equal),
        params: [...l.sql.params, ...r.sql.params],
      };
    case 'constant':
      return raw(equal ? '1=1' : '1=0');
    case 'direct':
      return cmp(l.info.empty ? empty : l.sql, r.info.empty ? empty : r.sql, !equal);
    case 'leftEmpty':
    case 'rightEmpty': {
      const x = l.info.empty ? r.sql : l.sql;
      return equal ? sql`(${x} = '' OR ${x} IS NULL)` : sql`(${cmp(x, empty, true)} AND ${x} IS NOT NULL)`;
    }
    case 'coalesce':
      return cmp(sql`COALESCE(${l.sql}, '')`, sql`COALESCE(${r.sql}, '')`, !equal);
  }
}

import type { FilterNode } from './ast.ts';
import { type CompileOptions, createContext, planFilter } from './compile-filter.ts';
import {
  arrayItems,
  type Binding,
  combinations,
  type RecordSource,
  type StoredRow,
} from './evaluate-joins.ts';
import { parseFilter } from './parser.ts';
import type { Chain, Operand, PlanCompare, PlanNode, ValueExpr } from './plan.ts';
import { equalityForm, likePattern, sideInfo } from './semantics.ts';
import * as S from './sqlite-values.ts';

export type { RecordSource, StoredRow } from './evaluate-joins.ts';

/** The compile options minus the dialect, plus where related records come from. */
export type EvaluateOptions = Omit<CompileOptions, 'dialect'> & { records: RecordSource };

/**
 * Tells whether one record (in stored form) matches a filter, without a database,
 * reading the filter exactly as the SQL compiler does (SQLite value semantics).
 */
export function evaluateFilter(
  filter: string | FilterNode,
  record: StoredRow,
  opts: EvaluateOptions,
): boolean {
  const ast = typeof filter === 'string' ? parseFilter(filter, opts) : filter;
  const ctx = createContext({ ...opts, dialect: undefined as never });
  const plan = planFilter(ast, ctx);
  const ev = new Evaluator(opts.records);
  for (const b of combinations(plan.joins, { [opts.tableAlias]: record }, opts.records)) {
    if (ev.node(plan.node, b) === true) return true;
  }
  return false;
}

interface Side {
  operand: Operand;
  value: S.Typed;
}

const NONE = (v: S.SVal): S.Typed => ({ v, aff: 'none' });

class Evaluator {
  #source: RecordSource;
  constructor(source: RecordSource) {
    this.#source = source;
  }

  node(n: PlanNode, b: Binding): S.Truth {
    if (n.kind === 'compare') return this.compare(n, b);
    const fold = n.kind === 'and' ? S.and : S.or;
    return n.items.reduce<S.Truth>(
      (acc, item, i) => (i === 0 ? this.node(item, b) : fold(acc, this.node(item, b))),
      null,
    );
  }

  compare(c: PlanCompare, b: Binding): S.Truth {
    const l: Side = { operand: c.left, value: this.operand(c.left, b) };
    const r: Side = { operand: c.right, value: this.operand(c.right, b) };
    let out = condition(c.op, l, r);
    const le = c.left.kind === 'expr' ? c.left.every : undefined;
    const re = c.right.kind === 'expr' ? c.right.every : undefined;
    if (!c.any && (le || re)) out = S.and(out, this.every(c, l, r, b, le, re));
    for (const o of [c.left, c.right]) {
      if (o.kind === 'expr' && o.guard)
        out = S.and(out, S.cmpOp('=', this.value(o.guard, b), NONE(S.int(1))));
    }
    return out;
  }

  every(c: PlanCompare, l: Side, r: Side, b: Binding, le?: Chain, re?: Chain): S.Truth {
    const lefts = le
      ? [...combinations(le.joins, b, this.#source)].map((x) => ({ ...l, value: this.value(le.value, x) }))
      : [l];
    const rights = re
      ? [...combinations(re.joins, b, this.#source)].map((x) => ({ ...r, value: this.value(re.value, x) }))
      : [r];
    const fails = lefts.some((li) => rights.some((ri) => S.not(condition(c.op, li, ri)) === true));
    return !fails;
  }

  operand(o: Operand, b: Binding): S.Typed {
    if (o.kind === 'expr') return this.value(o.value, b);
    if (o.kind === 'changed') {
      const t = S.and(o.set, this.compare(o.compare, b));
      return NONE(t === null ? null : S.int(t ? 1 : 0));
    }
    if (o.value === null) return NONE(null);
    if (typeof o.value === 'boolean') return NONE(S.int(o.value ? 1 : 0));
    // bound numbers are REAL (node:sqlite binds every JS number as a double)
    const v = typeof o.value === 'number' ? S.real(o.value) : S.text(o.value);
    return NONE(o.lower ? S.lower(v) : v);
  }

  value(e: ValueExpr, b: Binding): S.Typed {
    switch (e.kind) {
      case 'column': {
        const row = b[e.alias];
        return { v: row ? S.fromJs(row[e.column]) : null, aff: e.affinity };
      }
      case 'jsonExtract':
        return NONE(jsonExtract(this.value(e.of, b).v, e.path));
      case 'arrayLength': {
        const v = this.value(e.of, b).v;
        if (v === null || (v.t === 's' && v.v === '')) return NONE(S.int(0));
        return NONE(S.int(arrayItems(v.v).length));
      }
      case 'singleLength': {
        const v = this.value(e.of, b).v;
        return NONE(S.int(v === null || (v.t === 's' && v.v === '') ? 0 : 1));
      }
      case 'lower':
        return NONE(S.lower(this.value(e.of, b).v));
    }
  }
}

function jsonExtract(v: S.SVal, path: string[]): S.SVal {
  if (v === null) return null;
  let cur: unknown;
  try {
    cur = JSON.parse(String(v.v));
  } catch {
    return null; // not JSON
  }
  for (const seg of path) {
    if (/^\d+$/.test(seg)) cur = Array.isArray(cur) ? cur[Number(seg)] : undefined;
    else
      cur =
        cur !== null && typeof cur === 'object' && !Array.isArray(cur)
          ? (cur as Record<string, unknown>)[seg]
          : undefined;
    if (cur === undefined) return null;
  }
  return S.fromJs(cur);
}

function condition(op: string, l: Side, r: Side): S.Truth {
  if (op === '=' || op === '!=') return equality(op === '=', l, r);
  if (op === '~' || op === '!~') {
    const t = S.like(l.value.v, likeRight(r));
    return op === '~' ? t : S.not(t);
  }
  return S.cmpOp(op, l.value, r.value);
}

function likeRight(r: Side): S.SVal {
  const o = r.operand;
  if (o.kind === 'value' && (typeof o.value === 'string' || typeof o.value === 'number')) {
    const p = S.text(likePattern(String(o.value)));
    return o.lower ? S.lower(p) : p;
  }
  const t = S.toText(r.value.v);
  return t === null ? null : S.text(`%${t.v}%`);
}

function equality(equal: boolean, l: Side, r: Side): S.Truth {
  const li = sideInfo(l.operand);
  const ri = sideInfo(r.operand);
  const empty = NONE(S.text(''));
  const eq = (a: S.Typed, b: S.Typed): S.Truth => (equal ? S.cmpOp('=', a, b) : !S.isSame(a, b));
  const coalesce = (a: S.Typed) => NONE(a.v ?? S.text(''));
  switch (equalityForm(li, ri)) {
    case 'is':
      return S.isSame(l.value, r.value) === equal;
    case 'constant':
      return equal;
    case 'direct':
      return eq(li.empty ? empty : l.value, ri.empty ? empty : r.value);
    case 'leftEmpty':
    case 'rightEmpty': {
      const x = li.empty ? r.value : l.value;
      return equal ? S.or(S.cmpOp('=', x, empty), x.v === null) : S.and(!S.isSame(x, empty), x.v !== null);
    }
    case 'coalesce':
      return eq(coalesce(l.value), coalesce(r.value));
  }
}

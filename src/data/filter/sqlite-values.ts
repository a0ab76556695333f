/**
 * SQLite's value semantics, enough to mirror the compiled SQL in memory: storage
 * classes, column affinity on comparison, three-valued logic, LIKE and LOWER.
 * See https://sqlite.org/datatype3.html#comparisons.
 */
import type { Affinity } from './plan.ts';

/** NULL, INTEGER, REAL or TEXT. */
export type SVal = null | { t: 'i' | 'r'; v: number } | { t: 's'; v: string };
/** A value with the affinity of the expression it came from. */
export interface Typed {
  v: SVal;
  aff: Affinity;
}
/** true, false, or NULL (unknown). */
export type Truth = boolean | null;

const NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

export const text = (v: string): SVal => ({ t: 's', v });
export const int = (v: number): SVal => ({ t: 'i', v });
export const real = (v: number): SVal => ({ t: 'r', v });

/** A JavaScript value as SQLite holds it (objects as JSON text, booleans as 0/1). */
export function fromJs(x: unknown): SVal {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return Number.isInteger(x) ? int(x) : real(x);
  if (typeof x === 'boolean') return int(x ? 1 : 0);
  if (typeof x === 'string') return text(x);
  if (typeof x === 'bigint') return int(Number(x));
  return text(JSON.stringify(x));
}

/** SQLite's text form of a number (`5` → "5", REAL 5 → "5.0", 1e20 → "1.0e+20"). */
export function numberText(v: SVal & { t: 'i' | 'r' }): string {
  if (v.t === 'i') return String(v.v);
  let s = String(Number(v.v.toPrecision(15)));
  if (s.includes('e')) {
    const [m, e] = s.split('e');
    s = `${m.includes('.') ? m : `${m}.0`}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  } else if (!s.includes('.')) s += '.0';
  return s;
}

export function toText(v: SVal): SVal {
  return v === null || v.t === 's' ? v : text(numberText(v));
}

function toNumeric(v: SVal): SVal {
  if (v === null || v.t !== 's' || !NUMERIC_TEXT.test(v.v)) return v;
  return real(Number(v.v));
}

/** Applies comparison affinity rules to both operands. */
function coerce(a: Typed, b: Typed): [SVal, SVal] {
  if (a.aff === 'numeric' && b.aff !== 'numeric') return [a.v, toNumeric(b.v)];
  if (b.aff === 'numeric' && a.aff !== 'numeric') return [toNumeric(a.v), b.v];
  if (a.aff === 'text' && b.aff === 'none') return [a.v, toText(b.v)];
  if (b.aff === 'text' && a.aff === 'none') return [toText(a.v), b.v];
  return [a.v, b.v];
}

const rank = (v: Exclude<SVal, null>) => (v.t === 's' ? 2 : 1);

/** -1/0/1, or null when either side is NULL. Text compares as UTF-8 bytes (BINARY collation). */
export function compare(a: Typed, b: Typed): number | null {
  const [x, y] = coerce(a, b);
  if (x === null || y === null) return null;
  if (rank(x) !== rank(y)) return rank(x) - rank(y);
  if (x.t === 's' && y.t === 's') return Math.sign(Buffer.compare(Buffer.from(x.v), Buffer.from(y.v)));
  return Math.sign((x.v as number) - (y.v as number));
}

/** `a IS b`: NULL-safe equality. */
export function isSame(a: Typed, b: Typed): boolean {
  const [x, y] = coerce(a, b);
  if (x === null || y === null) return x === y;
  return compare({ v: x, aff: 'none' }, { v: y, aff: 'none' }) === 0;
}

export function cmpOp(op: string, a: Typed, b: Typed): Truth {
  const c = compare(a, b);
  if (c === null) return null;
  if (op === '=') return c === 0;
  if (op === '<') return c < 0;
  if (op === '<=') return c <= 0;
  if (op === '>') return c > 0;
  return c >= 0;
}

export const and = (a: Truth, b: Truth): Truth =>
  a === false || b === false ? false : a === null || b === null ? null : true;
export const or = (a: Truth, b: Truth): Truth =>
  a === true || b === true ? true : a === null || b === null ? null : false;
export const not = (a: Truth): Truth => (a === null ? null : !a);

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

export function lower(v: SVal): SVal {
  const t = toText(v);
  return t === null || t.t !== 's' ? t : text(asciiLower(t.v));
}

/** `value LIKE pattern ESCAPE '\'`: ASCII case-insensitive, `%` any run, `_` one character. */
export function like(value: SVal, pattern: SVal): Truth {
  const v = toText(value);
  const p = toText(pattern);
  if (v === null || p === null || v.t !== 's' || p.t !== 's') return null;
  return likeMatch([...asciiLower(v.v)], [...asciiLower(p.v)], 0, 0);
}

function likeMatch(s: string[], p: string[], i: number, j: number): boolean {
  while (j < p.length) {
    const c = p[j];
    if (c === '%') {
      while (p[j] === '%') j++;
      if (j === p.length) return true;
      for (let k = i; k <= s.length; k++) if (likeMatch(s, p, k, j)) return true;
      return false;
    }
    if (c === '\\') {
      if (j + 1 >= p.length) return false; // a trailing escape matches nothing
      if (s[i] !== p[j + 1]) return false;
      i++;
      j += 2;
      continue;
    }
    if (i >= s.length || (c !== '_' && s[i] !== c)) return false;
    i++;
    j++;
  }
  return i === s.length;
}

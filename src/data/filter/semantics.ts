/**
 * Decisions shared by the SQL compiler and the in-memory evaluator, so both read a
 * comparison the same way (PocketBase's `resolveEqualExpr` and LIKE wrapping).
 */
import type { Operand } from './plan.ts';

export interface SideInfo {
  /** compare with IS / IS NOT, never folding NULL into '' */
  disabled: boolean;
  /** NULL or '' known at compile time */
  empty: boolean;
  /** a value known not to be empty */
  nonEmpty: boolean;
}

export function sideInfo(o: Operand): SideInfo {
  if (o.kind === 'changed') return { disabled: true, empty: false, nonEmpty: false };
  if (o.kind === 'expr')
    return { disabled: o.nullMode === 'disabled', empty: false, nonEmpty: o.nullMode === 'nonEmpty' };
  const empty = o.value === null || o.value === '';
  return { disabled: false, empty, nonEmpty: !empty };
}

/**
 * How `=` / `!=` are spelled:
 * - `is`: `a IS b` (a side opted out of NULL/'' folding, e.g. JSON values)
 * - `constant`: both sides empty, so always equal
 * - `direct`: `a = b` (a side is known non-empty; an empty side becomes '')
 * - `leftEmpty` / `rightEmpty`: `(b = '' OR b IS NULL)`
 * - `coalesce`: `COALESCE(a, '') = COALESCE(b, '')`
 */
export type EqualityForm = 'is' | 'constant' | 'direct' | 'leftEmpty' | 'rightEmpty' | 'coalesce';

export function equalityForm(l: SideInfo, r: SideInfo): EqualityForm {
  if (l.disabled || r.disabled) return 'is';
  if (l.empty && r.empty) return 'constant';
  if (l.nonEmpty || r.nonEmpty) return 'direct';
  if (l.empty) return 'leftEmpty';
  if (r.empty) return 'rightEmpty';
  return 'coalesce';
}

/** True when `s` has a `%` that no `\` escapes. */
export function hasUnescapedPercent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '%') return true;
  }
  return false;
}

/**
 * The LIKE pattern for a value on the right of `~`: a value without its own `%` is
 * matched anywhere (wrapped in `%`), with `_` and `\` taken literally; a value with
 * an unescaped `%` is used as the pattern itself.
 */
export function likePattern(value: string): string {
  if (hasUnescapedPercent(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const next = value[i + 1];
    if (c === '\\' && (next === '%' || next === '_' || next === '\\')) {
      out += c + next; // already escaped by the user
      i++;
    } else out += c === '\\' || c === '%' || c === '_' ? `\\${c}` : c;
  }
  return `%${out}%`;
}

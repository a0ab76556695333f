/**
 * Random strings from a small regex-like pattern, for `autogeneratePattern` (record ids,
 * slugs). Supported: literal characters, escapes (`\d`, `\w`, `\.`), `.`, character
 * classes with ranges (`[a-z0-9_-]`), quantifiers `{n}`, `{n,m}`, `{n,}`, `?`, `*`, `+`,
 * and `^`/`$` anchors (ignored). Groups, alternation and negated classes are refused.
 * Open-ended repeats stop at 6 more, as PocketBase's generator does.
 */
import { randomBelow } from '../../lib/random.ts';

const OPEN_REPEAT = 6;
const DIGITS = '0123456789';
const WORD = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ${DIGITS}_`;
const ANY = WORD.slice(0, -1);

interface Atom {
  chars: string;
  min: number;
  max: number;
  quantified: boolean;
}

/** Generates one random string matching `pattern`; throws an `Error` naming the unsupported part. */
export function randomStringByPattern(pattern: string): string {
  let out = '';
  for (const atom of parsedPattern(pattern)) {
    const count = atom.min === atom.max ? atom.min : atom.min + randomBelow(atom.max - atom.min + 1);
    for (let i = 0; i < count; i++) out += atom.chars[randomBelow(atom.chars.length)];
  }
  return out;
}

// Patterns are few (one per field) and parsed on every record create: keep them parsed.
const parsed = new Map<string, Atom[]>();

function parsedPattern(pattern: string): Atom[] {
  let atoms = parsed.get(pattern);
  if (!atoms) {
    atoms = parsePattern(pattern);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(pattern, atoms);
  }
  return atoms;
}

function parsePattern(pattern: string): Atom[] {
  const atoms: Atom[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if ((ch === '^' && i === 0) || (ch === '$' && i === pattern.length - 1)) {
      i++;
    } else if ('{?*+'.includes(ch)) {
      const last = atoms.at(-1);
      if (last === undefined || last.quantified) throw new Error(`unexpected quantifier at ${i}`);
      i = readQuantifier(pattern, i, last);
      last.quantified = true;
    } else {
      const [chars, next] = readAtom(pattern, i);
      atoms.push({ chars, min: 1, max: 1, quantified: false });
      i = next;
    }
  }
  return atoms;
}

function readAtom(pattern: string, i: number): [string, number] {
  const ch = pattern[i];
  if ('()|'.includes(ch)) throw new Error(`groups and alternation are not supported (at ${i})`);
  if (ch === '[') return readClass(pattern, i + 1);
  if (ch === '.') return [ANY, i + 1];
  if (ch === '\\') return [escapeChars(pattern, i + 1), i + 2];
  return [ch, i + 1];
}

function escapeChars(pattern: string, i: number): string {
  const ch = pattern[i];
  if (ch === undefined) throw new Error('pattern ends with a lone backslash');
  if (ch === 'd') return DIGITS;
  if (ch === 'w') return WORD;
  if (/[a-zA-Z0-9]/.test(ch)) throw new Error(`unsupported escape \\${ch}`);
  return ch;
}

function readClass(pattern: string, i: number): [string, number] {
  if (pattern[i] === '^') throw new Error('negated character classes are not supported');
  const set = new Set<string>();
  while (i < pattern.length && pattern[i] !== ']') {
    const [first, next] = pattern[i] === '\\' ? [escapeChars(pattern, i + 1), i + 2] : [pattern[i], i + 1];
    i = next;
    if (first.length === 1 && pattern[i] === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']') {
      const to = pattern[i + 1] === '\\' ? escapeChars(pattern, i + 2) : pattern[i + 1];
      i += pattern[i + 1] === '\\' ? 3 : 2;
      addRange(set, first, to);
    } else {
      for (const c of first) set.add(c);
    }
  }
  if (pattern[i] !== ']') throw new Error('unterminated character class');
  if (set.size === 0) throw new Error('empty character class');
  return [[...set].join(''), i + 1];
}

function addRange(set: Set<string>, from: string, to: string): void {
  const start = from.codePointAt(0)!;
  const end = to.codePointAt(0)!;
  if (to.length !== 1 || end < start) throw new Error(`invalid range ${from}-${to}`);
  for (let c = start; c <= end; c++) set.add(String.fromCodePoint(c));
}

function readQuantifier(pattern: string, i: number, atom: Atom): number {
  const ch = pattern[i];
  if (ch !== '{') {
    [atom.min, atom.max] = ch === '?' ? [0, 1] : ch === '*' ? [0, OPEN_REPEAT] : [1, OPEN_REPEAT];
    return i + 1;
  }
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (!match) throw new Error(`invalid repeat at ${i}`);
  atom.min = Number(match[1]);
  atom.max = match[2] === undefined ? atom.min : match[3] === '' ? atom.min + OPEN_REPEAT : Number(match[3]);
  if (atom.max < atom.min || atom.max > 1000) throw new Error(`invalid repeat count at ${i}`);
  return i + match[0].length;
}

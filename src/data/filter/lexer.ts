import { syntaxError } from './errors.ts';

export type TokenType = 'identifier' | 'text' | 'number' | 'op' | 'and' | 'or' | 'lparen' | 'rparen' | 'eof';

/** One lexical token; `pos` is the 0-based offset of its first character. */
export interface Token {
  type: TokenType;
  /** identifier name, decoded text, number literal, or operator spelling */
  value: string;
  pos: number;
  /** offset just past its last character */
  end: number;
}

const OPERATORS = new Set(['=', '!=', '>', '>=', '<', '<=', '~', '!~']);
const SIGN_CHARS = '=?!<>~';
const WHITESPACE = ' \t\n\r';

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => isLetter(c) || c === '@' || c === '_' || c === '#';
const isIdentPart = (c: string) => isLetter(c) || isDigit(c) || c === '_' || c === '.' || c === ':';

/** Describes a token for an error message: `"x"` (shortened when long), or "end of filter". */
export function describeToken(t: Token, text: string): string {
  if (t.type === 'eof') return 'end of filter';
  const raw = text.slice(t.pos, t.end);
  return JSON.stringify(raw.length > 24 ? `${raw.slice(0, 21)}...` : raw);
}

/**
 * Splits filter text into tokens, skipping whitespace and `//` line comments.
 * Throws `invalid_filter` with the position of the first character it cannot read.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (WHITESPACE.includes(c)) {
      i++;
    } else if (c === '/') {
      if (text[i + 1] !== '/') throw syntaxError(i, '"/"', 'a value ("//" starts a comment)');
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', value: c, pos: i, end: ++i });
    } else if (isIdentStart(c)) {
      i = readIdentifier(text, i, tokens);
    } else if (isDigit(c) || c === '-') {
      i = readNumber(text, i, tokens);
    } else if (c === "'" || c === '"') {
      i = readText(text, i, tokens);
    } else if (SIGN_CHARS.includes(c)) {
      i = readRun(text, i, SIGN_CHARS, (op, pos) => {
        const plain = op.startsWith('?') ? op.slice(1) : op;
        if (!OPERATORS.has(plain))
          throw syntaxError(
            pos,
            `operator ${JSON.stringify(op)}`,
            'one of = != > >= < <= ~ !~, optionally prefixed by ?',
          );
        tokens.push({ type: 'op', value: op, pos, end: pos + op.length });
      });
    } else if (c === '&' || c === '|') {
      i = readRun(text, i, '&|', (op, pos) => {
        if (op !== '&&' && op !== '||') throw syntaxError(pos, JSON.stringify(op), '"&&" or "||"');
        tokens.push({ type: op === '&&' ? 'and' : 'or', value: op, pos, end: pos + 2 });
      });
    } else {
      throw syntaxError(i, `character ${JSON.stringify(c)}`);
    }
  }
  tokens.push({ type: 'eof', value: '', pos: text.length, end: text.length });
  return tokens;
}

function readRun(
  text: string,
  start: number,
  chars: string,
  emit: (run: string, pos: number) => void,
): number {
  let i = start;
  while (i < text.length && chars.includes(text[i])) i++;
  emit(text.slice(start, i), start);
  return i;
}

function readIdentifier(text: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  while (i < text.length && isIdentPart(text[i])) i++;
  const name = text.slice(start, i);
  const last = name[name.length - 1];
  if (last === '.' || last === ':') throw syntaxError(i - 1, JSON.stringify(last), 'a field name after it');
  if (name.length === 1 && !isLetter(name)) throw syntaxError(start, JSON.stringify(name), 'a field name');
  if (text[i] === '(')
    throw syntaxError(
      i,
      '"("',
      `an operator after ${JSON.stringify(name)} (filter functions are not supported)`,
    );
  tokens.push({ type: 'identifier', value: name, pos: start, end: i });
  return i;
}

function readNumber(text: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  let dot = false;
  while (i < text.length && (isDigit(text[i]) || (text[i] === '.' && !dot))) {
    if (text[i] === '.') dot = true;
    i++;
  }
  const literal = text.slice(start, i);
  if (literal === '-') throw syntaxError(start, '"-"', 'a number after the minus sign');
  if (literal.endsWith('.')) throw syntaxError(i - 1, '"."', 'digits after the decimal point');
  tokens.push({ type: 'number', value: literal, pos: start, end: i });
  return i;
}

/** Quoted text: `\` before the quote character or another `\` escapes it; other `\x` stay as written. */
function readText(text: string, start: number, tokens: Token[]): number {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) {
      tokens.push({ type: 'text', value, pos: start, end: i + 1 });
      return i + 1;
    }
    if (c === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
    } else {
      value += c;
      i++;
    }
  }
  throw syntaxError(start, `unterminated text starting with ${quote}`, `a closing ${quote}`);
}

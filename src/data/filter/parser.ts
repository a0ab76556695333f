import type { CompareOp, CompareNode, FilterNode, ValueNode } from './ast.ts';
import { filterError, syntaxError } from './errors.ts';
import { describeToken, type Token, tokenize } from './lexer.ts';

/** Size limits of one filter; PocketBase's defaults. */
export interface FilterLimits {
  /** characters (default 3500) */
  maxLength?: number;
  /** comparisons (default 200) */
  maxExpressions?: number;
}

export const DEFAULT_MAX_LENGTH = 3500;
export const DEFAULT_MAX_EXPRESSIONS = 200;
const MAX_DEPTH = 64;

/**
 * Parses filter text into a tree. `&&` binds tighter than `||`; parentheses group.
 * Throws `invalid_filter` naming the position and what was expected.
 */
export function parseFilter(text: string, limits: FilterLimits = {}): FilterNode {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > maxLength) {
    throw filterError(`the filter is ${text.length} characters long; the limit is ${maxLength}.`);
  }
  const parser = new Parser(text, tokenize(text), limits.maxExpressions ?? DEFAULT_MAX_EXPRESSIONS);
  return parser.parse();
}

class Parser {
  #text: string;
  #tokens: Token[];
  #at = 0;
  #depth = 0;
  #compares = 0;
  #maxExpressions: number;

  constructor(text: string, tokens: Token[], maxExpressions: number) {
    this.#text = text;
    this.#tokens = tokens;
    this.#maxExpressions = maxExpressions;
  }

  parse(): FilterNode {
    if (this.#peek().type === 'eof') throw filterError('the filter is empty.');
    const node = this.#or();
    const next = this.#peek();
    if (next.type !== 'eof') {
      const expected =
        next.type === 'rparen' ? 'an opening "(" before it' : '"&&", "||" or the end of the filter';
      throw this.#unexpected(next, expected);
    }
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#at];
  }

  #next(): Token {
    return this.#tokens[this.#at++];
  }

  #unexpected(t: Token, expected: string) {
    return syntaxError(t.pos, describeToken(t, this.#text), expected);
  }

  #or(): FilterNode {
    const items = [this.#and()];
    while (this.#peek().type === 'or') {
      this.#next();
      items.push(this.#and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  #and(): FilterNode {
    const items = [this.#primary()];
    while (this.#peek().type === 'and') {
      this.#next();
      items.push(this.#primary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  #primary(): FilterNode {
    const t = this.#peek();
    if (t.type !== 'lparen') return this.#compare();
    this.#next();
    if (++this.#depth > MAX_DEPTH)
      throw filterError(`parentheses are nested deeper than ${MAX_DEPTH} levels.`);
    if (this.#peek().type === 'rparen')
      throw this.#unexpected(this.#peek(), 'an expression inside the parentheses');
    const inner = this.#or();
    const close = this.#next();
    if (close.type !== 'rparen')
      throw this.#unexpected(close, `"&&", "||" or a closing ")" for the "(" at position ${t.pos + 1}`);
    this.#depth--;
    return inner;
  }

  #compare(): CompareNode {
    const left = this.#value('a field, text or number');
    const opToken = this.#next();
    if (opToken.type !== 'op') throw this.#unexpected(opToken, 'an operator such as =, !=, ~ or ?=');
    const right = this.#value('a value');
    if (++this.#compares > this.#maxExpressions) {
      throw filterError(`the filter has more than ${this.#maxExpressions} expressions, the limit.`);
    }
    const any = opToken.value.startsWith('?');
    const op = (any ? opToken.value.slice(1) : opToken.value) as CompareOp;
    return { kind: 'compare', op, any, left, right, pos: left.pos };
  }

  #value(expected: string): ValueNode {
    const t = this.#next();
    switch (t.type) {
      case 'text':
        return { kind: 'text', value: t.value, pos: t.pos };
      case 'number':
        return { kind: 'number', value: Number(t.value), pos: t.pos };
      case 'identifier': {
        const lower = t.value.toLowerCase();
        if (lower === 'null') return { kind: 'null', pos: t.pos };
        if (lower === 'true' || lower === 'false')
          return { kind: 'bool', value: lower === 'true', pos: t.pos };
        return { kind: 'identifier', name: t.value, pos: t.pos };
      }
      default:
        throw this.#unexpected(t, expected);
    }
  }
}

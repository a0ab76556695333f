import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFilter } from '../../../src/data/filter/ast.ts';
import { parseFilter } from '../../../src/data/filter/parser.ts';
import { ApiError } from '../../../src/lib/errors.ts';

describe('filter parser', () => {
  it('gives && precedence over ||', () => {
    const node = parseFilter('a = 1 || b = 2 && c = 3');
    assert.equal(node.kind, 'or');
    assert.equal(node.kind === 'or' && node.items[1].kind, 'and');
  });

  it('groups with parentheses', () => {
    const node = parseFilter('(a = 1 || b = 2) && c = 3');
    assert.equal(node.kind, 'and');
    assert.equal(formatFilter(node), '(a = 1 || b = 2) && c = 3');
  });

  it('flattens chains of the same join', () => {
    const node = parseFilter('a=1 && b=2 && c=3');
    assert.equal(node.kind === 'and' && node.items.length, 3);
  });

  it('reads the any-of operators and literal kinds', () => {
    const node = parseFilter("tags.name ?~ 'x'");
    assert.deepEqual(node, {
      kind: 'compare',
      op: '~',
      any: true,
      left: { kind: 'identifier', name: 'tags.name', pos: 0 },
      right: { kind: 'text', value: 'x', pos: 13 },
      pos: 0,
    });
    const lit = parseFilter('NULL = True');
    assert.equal(lit.kind === 'compare' && lit.left.kind, 'null');
    assert.deepEqual(lit.kind === 'compare' && lit.right, { kind: 'bool', value: true, pos: 7 });
    const n = parseFilter('x > -2.25');
    assert.deepEqual(n.kind === 'compare' && n.right, { kind: 'number', value: -2.25, pos: 4 });
  });

  const errors: [string, string][] = [
    [
      'a = 1 && (b = 2))',
      'Invalid filter: unexpected ")" at position 17; expected an opening "(" before it.',
    ],
    ['(a = )', 'Invalid filter: unexpected ")" at position 6; expected a value.'],
    [
      'a = 1 b = 2',
      'Invalid filter: unexpected "b" at position 7; expected "&&", "||" or the end of the filter.',
    ],
    [
      'a',
      'Invalid filter: unexpected end of filter at position 2; expected an operator such as =, !=, ~ or ?=.',
    ],
    ['a = 1 &&', 'Invalid filter: unexpected end of filter at position 9; expected a field, text or number.'],
    [
      '(a = 1',
      'Invalid filter: unexpected end of filter at position 7; expected "&&", "||" or a closing ")" for the "(" at position 1.',
    ],
    ['()', 'Invalid filter: unexpected ")" at position 2; expected an expression inside the parentheses.'],
    ['= 1', 'Invalid filter: unexpected "=" at position 1; expected a field, text or number.'],
    ['  // only a comment', 'Invalid filter: the filter is empty.'],
  ];
  for (const [text, message] of errors) {
    it(`reports ${JSON.stringify(text)} with its position`, () => {
      assert.throws(
        () => parseFilter(text),
        (err: unknown) =>
          err instanceof ApiError &&
          err.kind === 'invalid_filter' &&
          err.status === 400 &&
          err.message === message,
      );
    });
  }

  it('enforces the length and expression limits', () => {
    assert.throws(() => parseFilter('a = 1', { maxLength: 4 }), /5 characters long; the limit is 4/);
    const many = Array.from({ length: 201 }, (_, i) => `a = ${i}`).join(' || ');
    assert.throws(() => parseFilter(many, { maxLength: 10_000 }), /more than 200 expressions/);
    assert.doesNotThrow(() => parseFilter(many, { maxLength: 10_000, maxExpressions: 201 }));
    assert.throws(() => parseFilter(`${'('.repeat(70)}a=1${')'.repeat(70)}`), /nested deeper than 64/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from '../../../src/data/filter/lexer.ts';

const kinds = (text: string) => tokenize(text).map((t) => `${t.type}:${t.value}`);

describe('filter lexer', () => {
  it('reads identifiers, operators, numbers, text and joins', () => {
    assert.deepEqual(kinds("a.b:each ?!= -1.5 && @request.auth.id||(x='y')"), [
      'identifier:a.b:each',
      'op:?!=',
      'number:-1.5',
      'and:&&',
      'identifier:@request.auth.id',
      'or:||',
      'lparen:(',
      'identifier:x',
      'op:=',
      'text:y',
      'rparen:)',
      'eof:',
    ]);
  });

  it('records 0-based positions', () => {
    assert.deepEqual(
      tokenize('  ab >= 12').map((t) => [t.pos, t.end]),
      [
        [2, 4],
        [5, 7],
        [8, 10],
        [10, 10],
      ],
    );
  });

  it('decodes escaped quotes and backslashes, keeps other escapes', () => {
    assert.equal(tokenize(String.raw`'it\'s'`)[0].value, "it's");
    assert.equal(tokenize(String.raw`"say \"hi\""`)[0].value, 'say "hi"');
    assert.equal(tokenize(String.raw`'a\\b'`)[0].value, 'a\\b');
    assert.equal(tokenize(String.raw`'50\%'`)[0].value, '50\\%');
    assert.equal(tokenize(`"mixed 'quotes'"`)[0].value, "mixed 'quotes'");
  });

  it('skips // comments to the end of the line', () => {
    assert.deepEqual(kinds('a = 1 // note = 2\n&& b = 2'), [
      'identifier:a',
      'op:=',
      'number:1',
      'and:&&',
      'identifier:b',
      'op:=',
      'number:2',
      'eof:',
    ]);
  });

  const errors: [string, RegExp][] = [
    ["'open", /unterminated text starting with ' at position 1; expected a closing '/],
    ['a =! 1', /operator "=!" at position 3/],
    ['a = 1 & b = 2', /unexpected "&" at position 7; expected "&&" or "\|\|"/],
    ['a. = 1', /unexpected "\." at position 2/],
    ['a = 1.', /unexpected "\." at position 6; expected digits/],
    ['a = -', /unexpected "-" at position 5/],
    ['@ = 1', /unexpected "@" at position 1/],
    ['a / 1', /unexpected "\/" at position 3/],
    ['a = $', /unexpected character "\$" at position 5/],
    ['strftime(a) = 1', /position 9.*functions are not supported/],
  ];
  for (const [text, message] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => tokenize(text),
        (err: Error) => {
          assert.match(err.message, /^Invalid filter: /);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolField } from '../../../src/data/fields/field-bool.ts';
import { assertProblem, created, makeField, optionsCtx, updated } from './field-helpers.ts';

describe('bool field', () => {
  const field = makeField('bool');

  it('fills required=false and has no option problems', () => {
    const f = makeField('bool');
    assert.equal(boolField.normalizeOptions(f, optionsCtx(f)), null);
    assert.equal(f.required, false);
  });

  const cases: [unknown, 0 | 1][] = [
    [true, 1],
    [false, 0],
    ['true', 1],
    ['TRUE', 1],
    ['1', 1],
    ['t', 1],
    ['false', 0],
    ['yes', 0],
    ['', 0],
    [1, 1],
    [0, 0],
    [2, 1],
    [null, 0],
    [undefined, 0],
  ];
  for (const [input, stored] of cases) {
    it(`stores ${JSON.stringify(input)} as ${stored}`, () => {
      assert.equal(boolField.prepare(field, input, created), stored);
    });
  }

  it('requires true when required', () => {
    const required = makeField('bool', { required: true });
    assertProblem(() => boolField.prepare(required, false, created), 'validation_required');
    assertProblem(() => boolField.prepare(required, undefined, created), 'validation_required');
    assert.equal(boolField.prepare(required, 'true', created), 1);
  });

  it('keeps the old value on update', () => {
    assert.equal(boolField.prepare(field, undefined, updated(1)), 1);
  });

  it('refuses objects', () => {
    assertProblem(() => boolField.prepare(field, { a: 1 }, created), 'validation_unsupported_value_type');
  });

  it('outputs booleans from stored 0/1', () => {
    assert.equal(boolField.output(field, 1), true);
    assert.equal(boolField.output(field, 0), false);
    assert.equal(boolField.output(field, null), false);
    assert.equal(boolField.zero(field), 0);
    assert.equal(boolField.columnKind(field), 'bool');
  });
});

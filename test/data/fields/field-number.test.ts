import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numberField } from '../../../src/data/fields/field-number.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

describe('number field: options', () => {
  it('fills defaults and leaves bounds open', () => {
    const field = makeField('number');
    assert.equal(numberField.normalizeOptions(field, optionsCtx(field)), null);
    assert.deepEqual(
      [field.onlyInt, field.required, field.min, field.max],
      [false, false, undefined, undefined],
    );
  });
  const cases: [object, Record<string, unknown>][] = [
    [{ min: 5, max: 1 }, { max: 'validation_min_number_constraint' }],
    [{ onlyInt: true, min: 1.5 }, { min: 'validation_only_int_constraint' }],
    [{ max: Number.POSITIVE_INFINITY }, { max: 'validation_not_a_number' }],
    [{ min: null, max: null }, {}],
    [{ min: -3, max: 3 }, {}],
  ];
  for (const [options, expected] of cases) {
    it(`checks ${JSON.stringify(options)}`, () => {
      const field = makeField('number', options as object);
      assert.deepEqual(codes(numberField.normalizeOptions(field, optionsCtx(field))), expected);
    });
  }
});

describe('number field: values', () => {
  const coercions: [unknown, number][] = [
    [12, 12],
    ['12', 12],
    [' -1.5e2 ', -150],
    ['', 0],
    [null, 0],
    [true, 1],
    [false, 0],
    [undefined, 0],
  ];
  for (const [input, stored] of coercions) {
    it(`stores ${JSON.stringify(input)} as ${stored}`, () => {
      assert.equal(numberField.prepare(makeField('number'), input, created), stored);
    });
  }

  const field = makeField('number', { min: 2, max: 10, onlyInt: true });
  const invalid: [unknown, string, object?][] = [
    ['abc', 'validation_not_a_number'],
    ['0x10', 'validation_not_a_number'],
    [Number.NaN, 'validation_not_a_number'],
    [Number.POSITIVE_INFINITY, 'validation_not_a_number'],
    ['Infinity', 'validation_not_a_number'],
    [2.5, 'validation_only_int_constraint'],
    [1, 'validation_min_number_constraint', { min: 2 }],
    [11, 'validation_max_number_constraint', { max: 10 }],
    [{}, 'validation_unsupported_value_type'],
  ];
  for (const [input, code, params] of invalid) {
    it(`refuses ${String(input)} with ${code}`, () => {
      const problem = assertProblem(() => numberField.prepare(field, input, created), code);
      if (params) assert.deepEqual(problem.params, params);
    });
  }

  it('lets 0 skip the bounds unless required', () => {
    assert.equal(numberField.prepare(field, 0, created), 0);
    assertProblem(() => numberField.prepare({ ...field, required: true }, 0, created), 'validation_required');
  });

  it('keeps and revalidates the old value on update', () => {
    assert.equal(numberField.prepare(field, undefined, updated(7)), 7);
    assertProblem(
      () => numberField.prepare(field, undefined, updated(50)),
      'validation_max_number_constraint',
    );
  });

  it('outputs numbers, zero is 0, column is numeric', () => {
    assert.equal(numberField.output(field, 3), 3);
    assert.equal(numberField.output(field, null), 0);
    assert.equal(numberField.zero(field), 0);
    assert.equal(numberField.columnKind(field), 'number');
  });
});

describe('number field: modifiers', () => {
  const field = makeField('number');
  const cases: ['+' | '-', unknown, unknown, number][] = [
    ['+', 5, 3, 8],
    ['+', 5, '2.5', 7.5],
    ['-', 5, 3, 2],
    ['-', undefined, 4, -4],
  ];
  for (const [modifier, old, value, expected] of cases) {
    it(`${old} ${modifier} ${value} = ${expected}`, () => {
      const next = numberField.applyModifier!(field, modifier, old as number, value);
      assert.equal(numberField.prepare(field, next, updated(old as number)), expected);
    });
  }
});

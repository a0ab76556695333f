import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectField } from '../../../src/data/fields/field-select.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

const single = makeField('select', { values: ['a', 'b', 'c'], maxSelect: 1 });
const multi = makeField('select', { values: ['a', 'b', 'c'], maxSelect: 2 });

describe('select field: options', () => {
  const cases: [object, Record<string, unknown>][] = [
    [{ values: ['a'] }, {}],
    [{}, { values: 'validation_required' }],
    [{ values: ['a', ''] }, { values: { 1: 'validation_required' } }],
    [{ values: ['a', 'b'], maxSelect: 3 }, { maxSelect: 'validation_max_less_equal_than_required' }],
    [{ values: ['a'], maxSelect: -1 }, { maxSelect: 'validation_min_greater_equal_than_required' }],
  ];
  for (const [options, expected] of cases) {
    it(`checks ${JSON.stringify(options)}`, () => {
      const field = makeField('select', options);
      assert.deepEqual(codes(selectField.normalizeOptions(field, optionsCtx(field))), expected);
    });
  }
  it('defaults to a single value', () => {
    const field = makeField('select', { values: ['a'] });
    selectField.normalizeOptions(field, optionsCtx(field));
    assert.equal(field.maxSelect, 1);
    assert.equal(selectField.columnKind(field), 'text');
    assert.equal(selectField.columnKind(multi), 'json');
  });
});

describe('select field: values', () => {
  const cases: [string, object, unknown, unknown][] = [
    ['single text', single, 'a', 'a'],
    ['single keeps the last', single, ['a', 'b'], 'b'],
    ['single empty', single, '', ''],
    ['multi array', multi, ['a', 'b'], '["a","b"]'],
    ['multi dedupes', multi, ['b', 'b', 'a'], '["b","a"]'],
    ['multi from JSON text', multi, '["a","c"]', '["a","c"]'],
    ['multi from one value', multi, 'c', '["c"]'],
    ['multi empty', multi, null, '[]'],
  ];
  for (const [name, field, input, stored] of cases) {
    it(name, () => assert.equal(selectField.prepare(field as never, input, created), stored));
  }

  it('refuses unknown values and too many', () => {
    const invalid = assertProblem(
      () => selectField.prepare(single, 'z', created),
      'validation_invalid_value',
    );
    assert.deepEqual(invalid.params, { value: 'z' });
    const many = assertProblem(
      () => selectField.prepare(multi, ['a', 'b', 'c'], created),
      'validation_too_many_values',
    );
    assert.deepEqual(many.params, { maxSelect: 2 });
  });

  it('requires a value when required', () => {
    assertProblem(
      () => selectField.prepare({ ...multi, required: true }, [], created),
      'validation_required',
    );
  });

  it('outputs strings or arrays', () => {
    assert.equal(selectField.output(single, 'b'), 'b');
    assert.deepEqual(selectField.output(multi, '["a","b"]'), ['a', 'b']);
    assert.deepEqual(selectField.output(multi, null), []);
    assert.equal(selectField.zero(single), '');
    assert.equal(selectField.zero(multi), '[]');
  });
});

describe('select field: modifiers', () => {
  const cases: [string, object, '+' | '-' | '^+', string, unknown, unknown][] = [
    ['multi append', multi, '+', '["a"]', 'b', '["a","b"]'],
    ['multi append dedupes', multi, '+', '["a"]', ['a'], '["a"]'],
    ['multi prepend', multi, '^+', '["a"]', 'b', '["b","a"]'],
    ['multi remove', multi, '-', '["a","b"]', 'a', '["b"]'],
    ['single append replaces', single, '+', 'a', 'b', 'b'],
    ['single prepend keeps', single, '^+', 'a', 'b', 'a'],
    ['single remove clears', single, '-', 'a', 'a', ''],
    ['single remove other keeps', single, '-', 'a', 'b', 'a'],
  ];
  for (const [name, field, modifier, old, value, stored] of cases) {
    it(name, () => {
      const next = selectField.applyModifier!(field as never, modifier, old, value);
      assert.equal(selectField.prepare(field as never, next, updated(old)), stored);
    });
  }
});

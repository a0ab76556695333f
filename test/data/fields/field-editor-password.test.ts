import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editorField } from '../../../src/data/fields/field-editor.ts';
import {
  needsHashing,
  passwordField,
  validatePlainPassword,
} from '../../../src/data/fields/field-password.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

describe('editor field', () => {
  it('fills defaults', () => {
    const field = makeField('editor');
    assert.equal(editorField.normalizeOptions(field, optionsCtx(field)), null);
    assert.deepEqual([field.maxSize, field.convertURLs, field.required], [0, false, false]);
  });
  it('limits content in bytes', () => {
    const field = makeField('editor', { maxSize: 4 });
    assert.equal(editorField.prepare(field, '<p>', created), '<p>');
    assert.equal(editorField.prepare(field, 'éé', created), 'éé');
    const problem = assertProblem(
      () => editorField.prepare(field, 'ééé', created),
      'validation_content_size_limit',
    );
    assert.deepEqual(problem.params, { maxSize: 4 });
  });
  it('applies the 5 MiB default and required', () => {
    assertProblem(
      () => editorField.prepare(makeField('editor'), 'x'.repeat((5 << 20) + 1), created),
      'validation_content_size_limit',
    );
    assertProblem(
      () => editorField.prepare(makeField('editor', { required: true }), '', created),
      'validation_required',
    );
  });
  it('keeps the old value on update and outputs text', () => {
    assert.equal(editorField.prepare(makeField('editor'), undefined, updated('<b>x</b>')), '<b>x</b>');
    assert.equal(editorField.output(makeField('editor'), null), '');
  });
});

describe('password field: options', () => {
  const cases: [object, Record<string, unknown>][] = [
    [{}, {}],
    [{ min: 8, max: 71, cost: 10 }, {}],
    [{ min: 80 }, { min: 'validation_max_less_equal_than_required' }],
    [{ min: 8, max: 5 }, { max: 'validation_min_greater_equal_than_required' }],
    [{ cost: 2 }, { cost: 'validation_min_greater_equal_than_required' }],
    [{ pattern: '[' }, { pattern: 'validation_invalid_regex' }],
  ];
  for (const [options, expected] of cases) {
    it(`checks ${JSON.stringify(options)}`, () => {
      const field = makeField('password', options);
      assert.deepEqual(codes(passwordField.normalizeOptions(field, optionsCtx(field))), expected);
    });
  }
});

describe('password field: values', () => {
  const field = makeField('password', { min: 8, pattern: '\\d', required: true });
  it('returns a valid new plain password for the auth component to hash', () => {
    assert.equal(passwordField.prepare(field, 'secret123', created), 'secret123');
    assert.equal(needsHashing('secret123'), true);
  });
  it('refuses short, long and unmatched passwords', () => {
    const short = assertProblem(
      () => passwordField.prepare(field, 'abc1', created),
      'validation_min_text_constraint',
    );
    assert.deepEqual(short.params, { min: 8 });
    assertProblem(() => validatePlainPassword(field, `1${'x'.repeat(71)}`), 'validation_max_text_constraint');
    assertProblem(() => passwordField.prepare(field, 'abcdefghij', created), 'validation_invalid_format');
  });
  it('keeps the stored hash when nothing is sent', () => {
    assert.equal(passwordField.prepare(field, undefined, updated('$argon2id$hash')), '$argon2id$hash');
    assert.equal(needsHashing(undefined), false);
  });
  it('requires a password when required', () => {
    assertProblem(() => passwordField.prepare(field, undefined, created), 'validation_required');
    assertProblem(() => passwordField.prepare(field, '', updated('$argon2id$hash')), 'validation_required');
    assert.equal(needsHashing(''), false);
  });
  it('never outputs the value', () => {
    assert.equal(passwordField.output(field, '$argon2id$hash'), '');
  });
});

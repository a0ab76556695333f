import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TEXT_MAX, textField } from '../../../src/data/fields/field-text.ts';
import { randomStringByPattern } from '../../../src/data/fields/random-by-pattern.ts';
import { defaultIdField } from '../../../src/data/fields/system-fields.ts';
import {
  assertProblem,
  codes,
  created,
  makeCollection,
  makeField,
  optionsCtx,
  updated,
} from './field-helpers.ts';

describe('text field: options', () => {
  it('fills defaults', () => {
    const field = makeField('text');
    assert.equal(textField.normalizeOptions(field, optionsCtx(field)), null);
    assert.deepEqual(
      [field.min, field.max, field.pattern, field.autogeneratePattern, field.primaryKey, field.required],
      [0, 0, '', '', false, false],
    );
  });

  const cases: [string, object, Record<string, unknown>][] = [
    ['negative min', { min: -1 }, { min: 'validation_min_greater_equal_than_required' }],
    ['max below min', { min: 5, max: 3 }, { max: 'validation_min_greater_equal_than_required' }],
    ['bad pattern', { pattern: '(' }, { pattern: 'validation_invalid_regex' }],
    [
      'unsupported generator',
      { autogeneratePattern: '(a|b)' },
      { autogeneratePattern: 'validation_invalid_autogenerate_pattern' },
    ],
    [
      'generator breaks max',
      { max: 3, autogeneratePattern: '[a-z]{5}' },
      { autogeneratePattern: 'validation_invalid_autogenerate_pattern_value' },
    ],
    [
      'pk not named id',
      { name: 'code', primaryKey: true, required: true, pattern: 'x' },
      { name: 'validation_in_invalid' },
    ],
    [
      'pk hidden, not required',
      { name: 'id', primaryKey: true, pattern: 'x', hidden: true },
      { hidden: 'validation_empty', required: 'validation_required' },
    ],
    [
      'pk without pattern',
      { name: 'id', primaryKey: true, required: true },
      { pattern: 'validation_required' },
    ],
  ];
  for (const [name, options, expected] of cases) {
    it(`refuses ${name}`, () => {
      const field = makeField('text', options);
      assert.deepEqual(codes(textField.normalizeOptions(field, optionsCtx(field))), expected);
    });
  }

  it('refuses a second primary key', () => {
    const field = { ...defaultIdField(), id: 'other' };
    const ctx = optionsCtx(field);
    ctx.collection = makeCollection([defaultIdField(), field]);
    assert.deepEqual(codes(textField.normalizeOptions(field, ctx)), {
      primaryKey: 'validation_unsupported_composite_pk',
    });
  });

  it('accepts the default id field as is', () => {
    const field = defaultIdField();
    assert.equal(textField.normalizeOptions(field, optionsCtx(field)), null);
  });
});

describe('text field: values', () => {
  const field = makeField('text', { min: 2, max: 5, pattern: '^[a-z]+$' });
  const valid: [unknown, string][] = [
    ['abc', 'abc'],
    ['', ''],
    [null, ''],
    [undefined, ''],
  ];
  for (const [input, stored] of valid) {
    it(`stores ${JSON.stringify(input)} as ${JSON.stringify(stored)}`, () => {
      assert.equal(textField.prepare(field, input, created), stored);
    });
  }
  const invalid: [unknown, string, object?][] = [
    ['a', 'validation_min_text_constraint', { min: 2 }],
    ['abcdef', 'validation_max_text_constraint', { max: 5 }],
    ['ab1', 'validation_invalid_format'],
    [['a', 'b'], 'validation_unsupported_value_type'],
  ];
  for (const [input, code, params] of invalid) {
    it(`refuses ${JSON.stringify(input)} with ${code}`, () => {
      const problem = assertProblem(() => textField.prepare(field, input, created), code);
      if (params) assert.deepEqual(problem.params, params);
    });
  }

  it('counts characters, not bytes', () => {
    assert.equal(textField.prepare(makeField('text', { max: 3 }), 'ééé', created), 'ééé');
  });

  it('casts numbers and booleans to text', () => {
    assert.equal(textField.prepare(makeField('text'), 12.5, created), '12.5');
    assert.equal(textField.prepare(makeField('text'), true, created), 'true');
  });

  it('applies the 5000 character default max', () => {
    const problem = assertProblem(
      () => textField.prepare(makeField('text'), 'x'.repeat(DEFAULT_TEXT_MAX + 1), created),
      'validation_max_text_constraint',
    );
    assert.deepEqual(problem.params, { max: 5000 });
  });

  it('requires a value when required', () => {
    assertProblem(
      () => textField.prepare(makeField('text', { required: true }), '', created),
      'validation_required',
    );
  });

  it('keeps the old value on update when nothing is sent', () => {
    assert.equal(textField.prepare(field, undefined, updated('old')), 'old');
  });

  it('autogenerates on create only', () => {
    const slug = makeField('text', { autogeneratePattern: 'post-[0-9]{4}' });
    assert.match(String(textField.prepare(slug, undefined, created)), /^post-\d{4}$/);
    assert.equal(textField.prepare(slug, 'mine', created), 'mine');
    assert.equal(textField.prepare(slug, '', updated('x')), '');
  });

  it('outputs text', () => {
    assert.equal(textField.output(field, 'abc'), 'abc');
    assert.equal(textField.output(field, null), '');
    assert.equal(textField.zero(field), '');
  });
});

describe('text field: primary key', () => {
  const id = defaultIdField();

  it('generates 15 chars of [a-z0-9] on create', () => {
    const values = new Set(Array.from({ length: 20 }, () => textField.prepare(id, undefined, created)));
    assert.equal(values.size, 20);
    for (const v of values) assert.match(String(v), /^[a-z0-9]{15}$/);
    assert.equal(textField.columnKind(id), 'id');
  });

  it('accepts a valid custom id and refuses a malformed one', () => {
    assert.equal(textField.prepare(id, 'abcdefghij12345', created), 'abcdefghij12345');
    assertProblem(() => textField.prepare(id, 'ABCDEFGHIJ12345', created), 'validation_invalid_format');
  });

  it('refuses a change on update but keeps the same id', () => {
    assertProblem(
      () => textField.prepare(id, 'zzzzzzzzzzzzzzz', updated('abcdefghij12345')),
      'validation_pk_change',
    );
    assert.equal(textField.prepare(id, 'abcdefghij12345', updated('abcdefghij12345')), 'abcdefghij12345');
    assert.equal(textField.prepare(id, undefined, updated('legacy.id')), 'legacy.id');
  });

  it('refuses path characters and reserved names under a custom pattern', () => {
    const loose = { ...id, min: 0, max: 0, pattern: '.+' };
    const problem = assertProblem(
      () => textField.prepare(loose, 'a/b', created),
      'validation_forbidden_pk_character',
    );
    assert.deepEqual(problem.params, { ch: '/' });
    assertProblem(() => textField.prepare(loose, 'com1', created), 'validation_reserved_pk');
  });
});

describe('randomStringByPattern', () => {
  const cases: [string, RegExp][] = [
    ['[a-z0-9]{15}', /^[a-z0-9]{15}$/],
    ['^abc-\\d{3}$', /^abc-\d{3}$/],
    ['[A-F_-]{2,4}x?', /^[A-F_-]{2,4}x?$/],
    ['\\w+\\.txt', /^\w{1,6}\.txt$/],
    ['.{8}', /^[a-zA-Z0-9]{8}$/],
  ];
  for (const [pattern, expected] of cases) {
    it(`generates from ${pattern}`, () => {
      for (let i = 0; i < 20; i++) assert.match(randomStringByPattern(pattern), expected);
    });
  }
  for (const bad of ['(ab)', 'a|b', '[^a]', '[a-', '\\', '{3}', 'a{3,1}', '[z-a]']) {
    it(`refuses ${bad}`, () => assert.throws(() => randomStringByPattern(bad)));
  }
});

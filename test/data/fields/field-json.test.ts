import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonField } from '../../../src/data/fields/field-json.ts';
import { assertProblem, codes, created, makeField, optionsCtx, updated } from './field-helpers.ts';

const field = makeField('json');

describe('json field', () => {
  it('fills maxSize 0 (1 MiB) and checks it', () => {
    const f = makeField('json');
    assert.equal(jsonField.normalizeOptions(f, optionsCtx(f)), null);
    assert.equal(f.maxSize, 0);
    const bad = makeField('json', { maxSize: -1 });
    assert.deepEqual(codes(jsonField.normalizeOptions(bad, optionsCtx(bad))), {
      maxSize: 'validation_min_greater_equal_than_required',
    });
  });

  const cases: [unknown, string | null][] = [
    [{ a: 1 }, '{"a":1}'],
    [[1, 2], '[1,2]'],
    [5, '5'],
    [false, 'false'],
    ['hello', '"hello"'],
    ['', '""'],
    ['12', '12'],
    ['-1.5', '-1.5'],
    ['[1,"x"]', '[1,"x"]'],
    ['{"a":true}', '{"a":true}'],
    ['"quoted"', '"quoted"'],
    ['true', 'true'],
    ['null', 'null'],
    ['{broken', '"{broken"'],
    ['12abc', '"12abc"'],
    [null, null],
    [undefined, null],
  ];
  for (const [input, stored] of cases) {
    it(`stores ${JSON.stringify(input)} as ${stored}`, () =>
      assert.equal(jsonField.prepare(field, input, created), stored));
  }

  it('limits the size in bytes', () => {
    const small = makeField('json', { maxSize: 5 });
    assert.equal(jsonField.prepare(small, 'é', created), '"é"');
    const problem = assertProblem(
      () => jsonField.prepare(small, 'éé', created),
      'validation_json_size_limit',
    );
    assert.deepEqual(problem.params, { maxSize: 5 });
  });

  for (const empty of [null, '', [], {}, 'null']) {
    it(`treats ${JSON.stringify(empty)} as blank when required`, () => {
      assertProblem(
        () => jsonField.prepare(makeField('json', { required: true }), empty, created),
        'validation_required',
      );
    });
  }

  it('refuses values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assertProblem(() => jsonField.prepare(field, cyclic, created), 'validation_unsupported_value_type');
    assertProblem(() => jsonField.prepare(field, () => 1, created), 'validation_unsupported_value_type');
  });

  it('keeps the old value on update', () => {
    assert.equal(jsonField.prepare(field, undefined, updated('[1]')), '[1]');
    assert.equal(jsonField.prepare(field, undefined, updated(null)), null);
  });

  it('outputs parsed values, null when unset', () => {
    assert.deepEqual(jsonField.output(field, '{"a":[1]}'), { a: [1] });
    assert.equal(jsonField.output(field, null), null);
    assert.equal(jsonField.zero(field), null);
    assert.equal(jsonField.columnKind(field), 'json');
  });
});

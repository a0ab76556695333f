import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relationField } from '../../../src/data/fields/field-relation.ts';
import {
  assertProblem,
  codes,
  created,
  makeCollection,
  makeField,
  optionsCtx,
  updated,
} from './field-helpers.ts';

const users = makeCollection([], { id: 'pbc_users', name: 'users' });
const stats = makeCollection([], { id: 'pbc_stats', name: 'stats', type: 'view' });
const single = makeField('relation', { collectionId: 'pbc_users', maxSelect: 1 });
const multi = makeField('relation', { collectionId: 'pbc_users', maxSelect: 3, minSelect: 2 });

describe('relation field: options', () => {
  it('fills defaults', () => {
    const field = makeField('relation', { collectionId: 'pbc_users' });
    assert.equal(relationField.normalizeOptions(field, optionsCtx(field, [users])), null);
    assert.deepEqual(
      [field.cascadeDelete, field.minSelect, field.maxSelect, field.required],
      [false, 0, 1, false],
    );
  });
  const cases: [string, object, Record<string, unknown>][] = [
    ['no target', {}, { collectionId: 'validation_required' }],
    [
      'missing target',
      { collectionId: 'pbc_nope' },
      { collectionId: 'validation_field_relation_missing_collection' },
    ],
    [
      'view target from a base collection',
      { collectionId: 'pbc_stats' },
      { collectionId: 'validation_relation_field_non_view_base_collection' },
    ],
    [
      'maxSelect below minSelect',
      { collectionId: 'pbc_users', minSelect: 3, maxSelect: 2 },
      { maxSelect: 'validation_min_greater_equal_than_required' },
    ],
    [
      'negative minSelect',
      { collectionId: 'pbc_users', minSelect: -1 },
      { minSelect: 'validation_min_greater_equal_than_required' },
    ],
  ];
  for (const [name, options, expected] of cases) {
    it(`refuses ${name}`, () => {
      const field = makeField('relation', options);
      assert.deepEqual(
        codes(relationField.normalizeOptions(field, optionsCtx(field, [users, stats]))),
        expected,
      );
    });
  }
  it('refuses changing the target collection', () => {
    const stored = makeField('relation', { collectionId: 'pbc_users' });
    const edited = { ...stored, collectionId: 'pbc_other' };
    const ctx = optionsCtx(edited, [makeCollection([], { id: 'pbc_other' }), users]);
    const before = makeCollection([stored]);
    const lookup = ctx.collectionById;
    ctx.collectionById = (id) => (id === before.id ? before : lookup(id));
    assert.deepEqual(codes(relationField.normalizeOptions(edited, ctx)), {
      collectionId: 'validation_field_relation_change',
    });
  });
});

describe('relation field: values', () => {
  const cases: [string, object, unknown, string][] = [
    ['single id', single, 'abc123', 'abc123'],
    ['single keeps the last', single, ['a1', 'b2'], 'b2'],
    ['multi ids', multi, ['a1', 'b2'], '["a1","b2"]'],
    ['multi from JSON text (multipart)', multi, '["a1","b2","a1"]', '["a1","b2"]'],
    ['multi empty, not required', multi, [], '[]'],
  ];
  for (const [name, field, input, stored] of cases) {
    it(name, () => assert.equal(relationField.prepare(field as never, input, created), stored));
  }
  it('checks minSelect and maxSelect', () => {
    const few = assertProblem(
      () => relationField.prepare(multi, ['a1'], created),
      'validation_not_enough_values',
    );
    assert.deepEqual(few.params, { minSelect: 2 });
    assertProblem(
      () => relationField.prepare(multi, ['a', 'b', 'c', 'd'], created),
      'validation_too_many_values',
    );
  });
  it('refuses ids that cannot exist', () => {
    for (const bad of ['../x', 'a b', 'x'.repeat(256)]) {
      assertProblem(() => relationField.prepare(single, bad, created), 'validation_missing_rel_records');
    }
  });
  it('requires a value when required', () => {
    assertProblem(
      () => relationField.prepare({ ...single, required: true }, '', created),
      'validation_required',
    );
  });
  it('keeps the old value on update and outputs by shape', () => {
    assert.equal(relationField.prepare(multi, undefined, updated('["a1","b2"]')), '["a1","b2"]');
    assert.deepEqual(relationField.output(multi, '["a1"]'), ['a1']);
    assert.equal(relationField.output(single, 'a1'), 'a1');
    assert.equal(relationField.output(single, null), '');
    assert.equal(relationField.columnKind(multi), 'json');
  });
});

describe('relation field: modifiers', () => {
  const many = makeField('relation', { collectionId: 'pbc_users', maxSelect: 5 });
  const cases: ['+' | '-' | '^+', string, unknown, string][] = [
    ['+', '["a1"]', ['b2', 'c3'], '["a1","b2","c3"]'],
    ['^+', '["a1"]', 'b2', '["b2","a1"]'],
    ['-', '["a1","b2"]', '["a1"]', '["b2"]'],
    ['+', '', 'a1', '["a1"]'],
  ];
  for (const [modifier, old, value, stored] of cases) {
    it(`${old} ${modifier} ${JSON.stringify(value)}`, () => {
      const next = relationField.applyModifier!(many, modifier, old, value);
      assert.equal(relationField.prepare(many, next, updated(old)), stored);
    });
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIELD_TYPES } from '../../../src/data/collection-types.ts';
import {
  FIELD_KINDS,
  fieldKind,
  generateFieldId,
  isFieldType,
  normalizeField,
} from '../../../src/data/fields/registry.ts';
import { autodateFieldDef, defaultIdField } from '../../../src/data/fields/system-fields.ts';
import { codes, makeCollection, makeField, optionsCtx } from './field-helpers.ts';

describe('field registry', () => {
  it('has one kind per field type, typed consistently', () => {
    for (const type of FIELD_TYPES) assert.equal(fieldKind(type).type, type);
    assert.equal(Object.keys(FIELD_KINDS).length, FIELD_TYPES.length);
  });
  it('refuses unknown types', () => {
    assert.equal(isFieldType('geoPoint'), false);
    assert.throws(() => fieldKind('geoPoint'), /unknown field type/);
  });
  it('gives every type a zero value its own prepare accepts', () => {
    for (const type of FIELD_TYPES) {
      const field = makeField(type, { values: ['a'], collectionId: 'x', onCreate: true });
      const kind = fieldKind(type);
      const ctx = { isNew: false, old: kind.zero(field), now: '2024-01-01 00:00:00.000Z' };
      assert.doesNotThrow(() => kind.prepare(field, undefined, ctx), type);
    }
  });
});

describe('generateFieldId', () => {
  it('follows PocketBase: type + CRC-32 of the name', () => {
    assert.equal(generateFieldId('text', 'id'), 'text3208210256');
    assert.match(generateFieldId('number', 'total'), /^number\d{1,10}$/);
  });
  it('appends a counter when taken', () => {
    const base = generateFieldId('bool', 'done');
    assert.equal(generateFieldId('bool', 'done', new Set([base])), `${base}2`);
    assert.equal(generateFieldId('bool', 'done', new Set([base, `${base}2`])), `${base}3`);
  });
});

describe('normalizeField', () => {
  it('fills common flags, an id and type options', () => {
    const field = { name: 'title', type: 'text' } as never;
    assert.equal(normalizeField(field, optionsCtx(field)), null);
    assert.deepEqual(field, {
      name: 'title',
      type: 'text',
      system: false,
      hidden: false,
      presentable: false,
      id: generateFieldId('text', 'title'),
      min: 0,
      max: 0,
      pattern: '',
      autogeneratePattern: '',
      primaryKey: false,
      required: false,
    });
  });
  it('keeps an existing id', () => {
    const field = makeField('bool', { id: 'bool_custom', name: 'done' });
    normalizeField(field, optionsCtx(field));
    assert.equal(field.id, 'bool_custom');
  });
  it('avoids ids taken by other fields', () => {
    const field = { name: 'id', type: 'text' } as never;
    const ctx = optionsCtx(field);
    ctx.collection = makeCollection([defaultIdField(), field]);
    normalizeField(field, ctx);
    assert.equal((field as { id: string }).id, 'text32082102562');
  });

  const names: [unknown, string][] = [
    ['', 'validation_required'],
    ['1abc', 'validation_match_invalid'],
    ['has-dash', 'validation_match_invalid'],
    ['x'.repeat(101), 'validation_length_out_of_range'],
    ['expand', 'validation_not_in_invalid'],
    ['collectionName', 'validation_not_in_invalid'],
    ['null', 'validation_not_in_invalid'],
    ['posts_via_author', 'validation_found_via'],
    [42, 'validation_required'],
  ];
  for (const [name, code] of names) {
    it(`refuses the name ${JSON.stringify(name)} with ${code}`, () => {
      const field = makeField('text', { name: name as string });
      assert.equal(codes(normalizeField(field, optionsCtx(field))).name, code);
    });
  }
  it('accepts _underscored and mixed names', () => {
    for (const name of ['_x', 'camelCase', 'a1_b2']) {
      const field = makeField('text', { name });
      assert.equal(normalizeField(field, optionsCtx(field)), null, name);
    }
  });
  it('refuses an unknown type before anything else', () => {
    const field = makeField('text', { type: 'geoPoint' as never });
    assert.deepEqual(codes(normalizeField(field, optionsCtx(field))), { type: 'validation_in_invalid' });
  });
  it('merges common and type problems', () => {
    const field = makeField('select', { name: 'bad-name', hidden: 'yes' as never });
    assert.deepEqual(codes(normalizeField(field, optionsCtx(field))), {
      name: 'validation_match_invalid',
      hidden: 'validation_invalid_value',
      values: 'validation_required',
    });
  });
});

describe('system fields', () => {
  it('defines the PocketBase id field', () => {
    const id = defaultIdField();
    assert.deepEqual(id, {
      id: 'text3208210256',
      name: 'id',
      type: 'text',
      system: true,
      hidden: false,
      presentable: false,
      required: true,
      primaryKey: true,
      min: 15,
      max: 15,
      pattern: '^[a-z0-9]+$',
      autogeneratePattern: '[a-z0-9]{15}',
    });
    assert.notEqual(defaultIdField(), id, 'a fresh copy each call');
    assert.equal(normalizeField(id, optionsCtx(id)), null);
  });
  it('defines created/updated autodates with PocketBase ids', () => {
    const createdField = autodateFieldDef('created');
    const updatedField = autodateFieldDef('updated');
    assert.equal(createdField.id, generateFieldId('autodate', 'created'));
    assert.equal(updatedField.id, generateFieldId('autodate', 'updated'));
    assert.deepEqual(
      [createdField.onCreate, createdField.onUpdate, updatedField.onUpdate],
      [true, false, true],
    );
    assert.equal(normalizeField(createdField, optionsCtx(createdField)), null);
  });
});

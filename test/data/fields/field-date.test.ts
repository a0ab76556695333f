import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDate } from '../../../src/data/fields/date-format.ts';
import { autodateField } from '../../../src/data/fields/field-autodate.ts';
import { dateField } from '../../../src/data/fields/field-date.ts';
import { autodateFieldDef } from '../../../src/data/fields/system-fields.ts';
import {
  assertProblem,
  codes,
  created,
  makeCollection,
  makeField,
  NOW,
  optionsCtx,
  updated,
} from './field-helpers.ts';

describe('parseDate', () => {
  const cases: [unknown, string | undefined][] = [
    ['2024-01-02 03:04:05.678Z', '2024-01-02 03:04:05.678Z'],
    ['2024-01-02T03:04:05Z', '2024-01-02 03:04:05.000Z'],
    ['2024-01-02T03:04:05.123456789Z', '2024-01-02 03:04:05.123Z'],
    ['2024-01-02T03:04:05+02:00', '2024-01-02 01:04:05.000Z'],
    ['2024-01-02T03:04:05-0130', '2024-01-02 04:34:05.000Z'],
    ['2024-01-02 03:04:05', '2024-01-02 03:04:05.000Z'],
    ['2024-01-02', '2024-01-02 00:00:00.000Z'],
    [new Date(Date.UTC(2020, 1, 29, 12)), '2020-02-29 12:00:00.000Z'],
    [0, '1970-01-01 00:00:00.000Z'],
    ['', ''],
    [null, ''],
    ['2023-02-30', undefined],
    ['2024-13-01', undefined],
    ['2024-01-01 24:00:00', undefined],
    ['yesterday', undefined],
    [{}, undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () =>
      assert.equal(parseDate(input), expected));
  }
});

describe('date field', () => {
  it('normalizes min/max to the stored format and checks their order', () => {
    const field = makeField('date', { min: '2024-01-01' as never });
    assert.equal(dateField.normalizeOptions(field, optionsCtx(field)), null);
    assert.deepEqual([field.min, field.max], ['2024-01-01 00:00:00.000Z', '']);
    const reversed = makeField('date', { min: '2024-02-01' as never, max: '2024-01-01' as never });
    assert.deepEqual(codes(dateField.normalizeOptions(reversed, optionsCtx(reversed))), {
      max: 'validation_date_out_of_range',
    });
    const bad = makeField('date', { max: 'soon' as never });
    assert.deepEqual(codes(dateField.normalizeOptions(bad, optionsCtx(bad))), {
      max: 'validation_invalid_date',
    });
  });

  const field = makeField('date', {
    min: '2024-01-01 00:00:00.000Z' as never,
    max: '2024-12-31 23:59:59.999Z' as never,
  });
  it('stores dates in the PocketBase format', () => {
    assert.equal(dateField.prepare(field, '2024-06-01T10:00:00Z', created), '2024-06-01 10:00:00.000Z');
    assert.equal(dateField.prepare(field, '', created), '');
  });
  it('refuses dates out of bounds with the threshold', () => {
    const low = assertProblem(
      () => dateField.prepare(field, '2023-12-31', created),
      'validation_min_greater_equal_than_required',
    );
    assert.deepEqual(low.params, { threshold: '2024-01-01 00:00:00.000Z' });
    assertProblem(
      () => dateField.prepare(field, '2025-01-01', created),
      'validation_max_less_equal_than_required',
    );
  });
  it('refuses non-dates and blank required dates', () => {
    assertProblem(() => dateField.prepare(field, 'tomorrow', created), 'validation_invalid_date');
    assertProblem(
      () => dateField.prepare(makeField('date', { required: true }), null, created),
      'validation_required',
    );
  });
  it('keeps the old value on update and outputs text', () => {
    assert.equal(
      dateField.prepare(field, undefined, updated('2024-03-03 00:00:00.000Z')),
      '2024-03-03 00:00:00.000Z',
    );
    assert.equal(dateField.output(field, null), '');
    assert.equal(dateField.zero(field), '');
  });
});

describe('autodate field', () => {
  it('requires onCreate or onUpdate', () => {
    const field = makeField('autodate');
    assert.deepEqual(codes(autodateField.normalizeOptions(field, optionsCtx(field))), {
      onCreate: 'validation_required',
      onUpdate: 'validation_required',
    });
  });
  it('refuses changing a system autodate behaviour', () => {
    const stored = { ...autodateFieldDef('created'), system: true };
    const edited = { ...stored, onUpdate: true };
    const ctx = optionsCtx(edited);
    const old = makeCollection([stored]);
    ctx.collectionById = (id) => (id === old.id ? old : undefined);
    assert.deepEqual(codes(autodateField.normalizeOptions(edited, ctx)), {
      onUpdate: 'validation_values_mismatch',
    });
  });

  const cases: [string, boolean, boolean, boolean, unknown, string][] = [
    ['created on create', true, false, true, undefined, NOW],
    ['created on update', true, false, false, '2020-01-01 00:00:00.000Z', '2020-01-01 00:00:00.000Z'],
    ['updated on update', true, true, false, '2020-01-01 00:00:00.000Z', NOW],
    ['onUpdate only, on create', false, true, true, undefined, ''],
  ];
  for (const [name, onCreate, onUpdate, isNew, old, expected] of cases) {
    it(name, () => {
      const field = makeField('autodate', { onCreate, onUpdate });
      const ctx = isNew ? created : updated(old as string);
      assert.equal(autodateField.prepare(field, '1999-01-01 00:00:00.000Z', ctx), expected);
    });
  }
});

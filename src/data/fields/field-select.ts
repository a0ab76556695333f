/**
 * The `select` field: one or more values from the field's `values` list. Single (the
 * default, `maxSelect` 1) is stored as text, multi as a JSON array; inputs are deduped
 * and, for single fields, the last one sent wins.
 */
import { type Field, isMultiValued } from '../collection-types.ts';
import { fail, failRequired, OptionProblems, uniqueStrings } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';
import {
  checkMaxSelect,
  modifyItems,
  outputItems,
  settleItems,
  storedItems,
  storeItems,
} from './field-list.ts';

function validateSelect(field: Field, items: string[]): void {
  if (items.length === 0) {
    if (field.required) failRequired();
    return;
  }
  checkMaxSelect(field, items.length);
  const values = field.values ?? [];
  const invalid = items.find((v) => !values.includes(v));
  if (invalid !== undefined)
    fail('validation_invalid_value', `Invalid value ${invalid}.`, { value: invalid });
}

/** The `select` field type; modifiers `field+`, `+field` and `field-` add and remove values. */
export const selectField: FieldKind = {
  type: 'select',
  columnKind: (field) => (isMultiValued(field) ? 'json' : 'text'),
  normalizeOptions(field) {
    field.values ??= [];
    field.maxSelect ??= 1;
    field.required ??= false;
    const problems = new OptionProblems();
    if (!Array.isArray(field.values) || field.values.length === 0) {
      problems.add('values', 'validation_required', 'Cannot be blank.');
    } else {
      const bad = field.values.findIndex((v) => typeof v !== 'string' || v === '');
      if (bad >= 0) problems.addItem('values', bad, 'validation_required', 'Cannot be blank.');
    }
    problems.intRange('maxSelect', field.maxSelect, 0, Math.max(field.values?.length ?? 0, 1));
    return problems.result();
  },
  zero: (field) => storeItems(field, []),
  prepare(field, input, ctx) {
    const items = settleItems(field, uniqueStrings(input === undefined && !ctx.isNew ? ctx.old : input));
    validateSelect(field, items);
    return storeItems(field, items);
  },
  output: outputItems,
  applyModifier: (_field, modifier, old, value) =>
    modifyItems(modifier, storedItems(old), uniqueStrings(value)),
};

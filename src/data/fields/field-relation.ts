/**
 * The `relation` field: ids of records in the collection `collectionId`, one (text) or
 * several (`maxSelect > 1`, JSON array). This file checks count and id shape only; the
 * records service checks that the target records exist and answers
 * `validation_missing_rel_records` otherwise.
 */
import { type Field, isMultiValued } from '../collection-types.ts';
import { fail, failRequired, OptionProblems, uniqueStrings } from './field-common.ts';
import type { FieldKind, FieldOptionsContext } from './field-kind.ts';
import {
  checkMaxSelect,
  modifyItems,
  outputItems,
  settleItems,
  storedItems,
  storeItems,
} from './field-list.ts';

// A stored id never holds these (see the text primary key rules), so such input cannot match a record.
const NOT_AN_ID = /[./\\|"'`<>:?*%$\s\0]/;

/** Whether `value` could be a record id (non-empty, at most 255 characters, no path characters). */
export function isRecordIdShape(value: string): boolean {
  return value.length > 0 && value.length <= 255 && !NOT_AN_ID.test(value);
}

function validateRelation(field: Field, ids: string[]): void {
  if (ids.length === 0) {
    if (field.required) failRequired();
    return;
  }
  const minSelect = field.minSelect ?? 0;
  if (minSelect > 0 && ids.length < minSelect) {
    fail('validation_not_enough_values', `Select at least ${minSelect}.`, { minSelect });
  }
  checkMaxSelect(field, ids.length);
  if (!ids.every(isRecordIdShape)) {
    fail('validation_missing_rel_records', 'Failed to find all relation records with the provided ids.');
  }
}

function checkTarget(field: Field, ctx: FieldOptionsContext, problems: OptionProblems): void {
  const id = field.collectionId;
  if (!id) {
    problems.add('collectionId', 'validation_required', 'Cannot be blank.');
    return;
  }
  const stored = ctx.collectionById(ctx.collection.id)?.fields.find((f) => f.id === field.id);
  if (stored?.type === 'relation' && stored.collectionId && stored.collectionId !== id) {
    problems.add(
      'collectionId',
      'validation_field_relation_change',
      'The relation collection cannot be changed.',
    );
    return;
  }
  const target = ctx.collectionById(id);
  if (!target) {
    problems.add(
      'collectionId',
      'validation_field_relation_missing_collection',
      "The relation collection doesn't exist.",
    );
    return;
  }
  if (ctx.collection.type !== 'view' && target.type === 'view') {
    const message = 'Only view collections are allowed to have relations to other views.';
    problems.add('collectionId', 'validation_relation_field_non_view_base_collection', message);
  }
}

/** The `relation` field type; modifiers `field+`, `+field` and `field-` add and remove ids. */
export const relationField: FieldKind = {
  type: 'relation',
  columnKind: (field) => (isMultiValued(field) ? 'json' : 'text'),
  normalizeOptions(field, ctx) {
    field.collectionId ??= '';
    field.cascadeDelete ??= false;
    field.minSelect ??= 0;
    field.maxSelect ??= 1;
    field.required ??= false;
    const problems = new OptionProblems();
    checkTarget(field, ctx, problems);
    problems.intRange('minSelect', field.minSelect, 0);
    problems.intRange('maxSelect', field.maxSelect, field.minSelect);
    return problems.result();
  },
  zero: (field) => storeItems(field, []),
  prepare(field, input, ctx) {
    const ids = settleItems(field, uniqueStrings(input === undefined && !ctx.isNew ? ctx.old : input));
    validateRelation(field, ids);
    return storeItems(field, ids);
  },
  output: outputItems,
  applyModifier: (_field, modifier, old, value) =>
    modifyItems(modifier, storedItems(old), uniqueStrings(value)),
};

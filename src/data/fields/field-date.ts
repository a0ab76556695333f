/**
 * The `date` field: a UTC datetime stored and shown as `YYYY-MM-DD HH:MM:SS.sssZ`
 * ("" when unset), optionally bounded by the `min`/`max` options (dates in the same
 * format, "" for no bound).
 */
import type { Field } from '../collection-types.ts';
import { parseDate } from './date-format.ts';
import { fail, failRequired, OptionProblems } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

// On date fields `min`/`max` hold dates, not numbers; read them through this view.
type DateOptions = { min?: unknown; max?: unknown };

/** Reads a date input into the stored form; throws `validation_invalid_date` when it is not a date. */
export function toStoredDate(input: unknown): string {
  const value = parseDate(input);
  if (value === undefined) fail('validation_invalid_date', 'Must be a valid date.');
  return value;
}

function validateDate(field: Field, value: string): void {
  const { min, max } = field as DateOptions;
  if (value === '') {
    if (field.required) failRequired();
    return;
  }
  // the stored format sorts as text, so string comparison orders the dates
  if (typeof min === 'string' && min !== '' && value < min) {
    fail('validation_min_greater_equal_than_required', `Must be no less than ${min}.`, { threshold: min });
  }
  if (typeof max === 'string' && max !== '' && value > max) {
    fail('validation_max_less_equal_than_required', `Must be no greater than ${max}.`, { threshold: max });
  }
}

function normalizeBound(options: DateOptions, key: 'min' | 'max', problems: OptionProblems): void {
  const value = parseDate(options[key] ?? '');
  if (value === undefined) problems.add(key, 'validation_invalid_date', 'Must be a valid date.');
  else options[key] = value;
}

/** The `date` field type. */
export const dateField: FieldKind = {
  type: 'date',
  columnKind: () => 'text',
  normalizeOptions(field) {
    field.required ??= false;
    const options = field as DateOptions;
    const problems = new OptionProblems();
    normalizeBound(options, 'min', problems);
    normalizeBound(options, 'max', problems);
    const { min, max } = options;
    if (typeof min === 'string' && typeof max === 'string' && min && max && max < min) {
      problems.add('max', 'validation_date_out_of_range', 'The date is out of range.');
    }
    return problems.result();
  },
  zero: () => '',
  prepare(field, input, ctx) {
    const value = toStoredDate(input === undefined && !ctx.isNew ? ctx.old : input);
    validateDate(field, value);
    return value;
  },
  output: (_field, stored) => (typeof stored === 'string' ? stored : ''),
};

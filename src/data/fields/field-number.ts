/**
 * The `number` field: a float, optionally integer-only and bounded. Numeric strings are
 * coerced (multipart sends text); `""` and `null` are 0; NaN and ±Infinity are refused.
 * Like PocketBase, 0 skips the bounds (it is the "empty" number), and `required`
 * means non-zero.
 */
import type { Field } from '../collection-types.ts';
import { fail, failRequired, failUnsupported, OptionProblems } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Casts an input to a number like PocketBase, refusing text that is not a decimal number. */
export function toNumber(input: unknown): number {
  if (input === null || input === undefined || input === '' || input === false) return 0;
  if (input === true) return 1;
  if (typeof input === 'number') return input;
  if (typeof input === 'bigint') return Number(input);
  if (typeof input === 'string') {
    const text = input.trim();
    return DECIMAL.test(text) ? Number(text) : Number.NaN;
  }
  return failUnsupported();
}

// `min`/`max` are nullable on number fields (null = unbounded).
function bound(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function validateNumber(field: Field, value: number): void {
  if (!Number.isFinite(value))
    fail('validation_not_a_number', 'The submitted number is not properly formatted.');
  if (value === 0) {
    if (field.required) failRequired();
    return;
  }
  if (field.onlyInt && !Number.isInteger(value))
    fail('validation_only_int_constraint', 'Decimal numbers are not allowed.');
  const min = bound(field.min);
  if (min !== undefined && value < min) {
    fail('validation_min_number_constraint', `Must be greater or equal than ${min}.`, { min });
  }
  const max = bound(field.max);
  if (max !== undefined && value > max) {
    fail('validation_max_number_constraint', `Must be less or equal than ${max}.`, { max });
  }
}

function checkBound(problems: OptionProblems, key: string, value: unknown, onlyInt: boolean): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(key, 'validation_not_a_number', 'The submitted number is not properly formatted.');
  } else if (onlyInt && !Number.isInteger(value)) {
    problems.add(key, 'validation_only_int_constraint', 'Decimal numbers are not allowed.');
  }
}

/** The `number` field type; modifiers `field+` and `field-` add and subtract. */
export const numberField: FieldKind = {
  type: 'number',
  columnKind: () => 'number',
  normalizeOptions(field) {
    field.onlyInt ??= false;
    field.required ??= false;
    const problems = new OptionProblems();
    checkBound(problems, 'min', field.min, field.onlyInt);
    checkBound(problems, 'max', field.max, field.onlyInt);
    const min = bound(field.min);
    const max = bound(field.max);
    if (min !== undefined && max !== undefined && max < min) {
      problems.add('max', 'validation_min_number_constraint', `Must be greater or equal than ${min}.`, {
        min,
      });
    }
    return problems.result();
  },
  zero: () => 0,
  prepare(field, input, ctx) {
    const value = input === undefined && !ctx.isNew ? toNumber(ctx.old) : toNumber(input);
    validateNumber(field, value);
    return value;
  },
  output: (_field, stored) => (typeof stored === 'number' ? stored : toNumber(stored) || 0),
  applyModifier(_field, modifier, old, value) {
    const base = toNumber(old);
    if (modifier === '-') return base - toNumber(value);
    if (modifier === '+') return base + toNumber(value);
    return undefined;
  },
};

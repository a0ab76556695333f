/**
 * The `password` field. Hashing belongs to the auth component, so this type only
 * validates: `prepare` checks a new plain password against `min`/`max`/`pattern` and
 * returns it unchanged, and the records service must replace that value with
 * the auth component's hash before writing (see `needsHashing`). Without new input the
 * stored hash is kept. The value is never shown: `output` is always "".
 *
 * `cost` is kept for PocketBase compatibility (bcrypt's 4–31); the auth component decides
 * what it means for its algorithm.
 */
import type { Field } from '../collection-types.ts';
import { compilePattern, fail, failRequired, OptionProblems, toText } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

/** The longest plain password (bcrypt's limit, kept by PocketBase). */
export const PASSWORD_MAX = 71;

/** Validates a plain password against the field's options; throws `FieldValueError`. */
export function validatePlainPassword(field: Field, plain: string): void {
  const length = [...plain].length;
  const min = field.min ?? 0;
  if (length < min) fail('validation_min_text_constraint', `Must be at least ${min} character(s).`, { min });
  const max = field.max || PASSWORD_MAX;
  if (length > max) fail('validation_max_text_constraint', `Must be less than ${max} character(s).`, { max });
  if (field.pattern && !compilePattern(field.pattern)?.test(plain)) {
    fail('validation_invalid_format', 'Invalid value format.');
  }
}

/**
 * Whether `prepare` returned a new plain password that must be hashed before it is
 * written: true when the client sent a non-empty value.
 */
export function needsHashing(input: unknown): boolean {
  return input !== undefined && toText(input) !== '';
}

/** The `password` field type. */
export const passwordField: FieldKind = {
  type: 'password',
  columnKind: () => 'text',
  normalizeOptions(field) {
    field.min ??= 0;
    field.max ??= 0;
    field.pattern ??= '';
    field.cost ??= 0;
    field.required ??= false;
    const problems = new OptionProblems();
    if (field.min !== 0) problems.intRange('min', field.min, 1, PASSWORD_MAX);
    if (field.max !== 0) problems.intRange('max', field.max, field.min, PASSWORD_MAX);
    if (field.cost !== 0) problems.intRange('cost', field.cost, 4, 31);
    problems.regex('pattern', field.pattern);
    return problems.result();
  },
  zero: () => '',
  prepare(field, input, ctx) {
    if (input === undefined) {
      const hash = ctx.isNew ? '' : toText(ctx.old);
      if (field.required && hash === '') failRequired();
      return hash;
    }
    const plain = toText(input);
    if (plain === '') {
      if (field.required) failRequired();
      return '';
    }
    validatePlainPassword(field, plain);
    return plain;
  },
  output: () => '',
};

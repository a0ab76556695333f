/**
 * The `text` field: a string limited in characters (not bytes), optionally matched by a
 * pattern, optionally generated on create from `autogeneratePattern`. It also serves
 * as the primary key (`id`), which is validated more strictly and cannot change.
 */
import type { Field } from '../collection-types.ts';
import { compilePattern, fail, failRequired, OptionProblems, toText } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';
import { FieldValueError } from './field-kind.ts';
import { randomStringByPattern } from './random-by-pattern.ts';

/** The maximum length applied when `max` is 0. */
export const DEFAULT_TEXT_MAX = 5000;
/** The default record id pattern; ids matching it skip the extra primary key checks. */
export const DEFAULT_ID_PATTERN = '^[a-z0-9]+$';

// Characters and names that break file paths on some systems, since ids name storage folders.
const FORBIDDEN_PK_CHARS = [
  '.',
  '/',
  '\\',
  '|',
  '"',
  "'",
  '`',
  '<',
  '>',
  ':',
  '?',
  '*',
  '%',
  '$',
  '\0',
  '\t',
  '\n',
  '\r',
  ' ',
];
const RESERVED_PKS = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
];

/** Validates a text value against the field's options; throws `FieldValueError`. */
export function validateText(field: Field, value: string): void {
  if (value === '') {
    if (field.required || field.primaryKey) failRequired();
    return;
  }
  const length = [...value].length;
  const min = field.min ?? 0;
  if (min > 0 && length < min) {
    fail('validation_min_text_constraint', `Must be at least ${min} character(s).`, { min });
  }
  const max = field.max || DEFAULT_TEXT_MAX;
  if (length > max)
    fail('validation_max_text_constraint', `Must be no more than ${max} character(s).`, { max });
  if (field.pattern && !compilePattern(field.pattern)?.test(value)) {
    fail('validation_invalid_format', 'Invalid value format.');
  }
  if (field.primaryKey && field.pattern !== DEFAULT_ID_PATTERN) checkPrimaryKeyChars(value);
}

function checkPrimaryKeyChars(value: string): void {
  const ch = FORBIDDEN_PK_CHARS.find((c) => value.includes(c));
  if (ch !== undefined) {
    fail('validation_forbidden_pk_character', `'${ch}' is not a valid primary key character.`, { ch });
  }
  const reserved = RESERVED_PKS.find((r) => r === value.toUpperCase());
  if (reserved) {
    fail('validation_reserved_pk', `The primary key '${reserved}' is reserved and cannot be used.`, {
      reserved,
    });
  }
}

function normalizeOptions(field: Field, problems: OptionProblems, pkCount: number): void {
  field.min ??= 0;
  field.max ??= 0;
  field.pattern ??= '';
  field.autogeneratePattern ??= '';
  field.primaryKey ??= false;
  field.required ??= false;
  problems.intRange('min', field.min, 0);
  if (field.max !== 0) problems.intRange('max', field.max, field.min);
  problems.regex('pattern', field.pattern);
  if (field.primaryKey) {
    if (field.name !== 'id')
      problems.add('name', 'validation_in_invalid', 'The primary key must be named "id".');
    if (pkCount > 1) {
      const message = 'Composite PKs are not supported and the collection must have only 1 PK.';
      problems.add('primaryKey', 'validation_unsupported_composite_pk', message);
    }
    if (!field.pattern) problems.add('pattern', 'validation_required', 'Cannot be blank.');
    if (field.hidden) problems.add('hidden', 'validation_empty', 'Must be blank.');
    if (!field.required) problems.add('required', 'validation_required', 'Cannot be blank.');
  }
  problems.regex('autogeneratePattern', field.autogeneratePattern);
  checkAutogenerate(field, problems);
}

// Samples the generator a few times so a pattern that yields invalid values is caught early.
function checkAutogenerate(field: Field, problems: OptionProblems): void {
  if (!field.autogeneratePattern) return;
  for (let i = 0; i < 10; i++) {
    let sample: string;
    try {
      sample = randomStringByPattern(field.autogeneratePattern);
    } catch (err) {
      problems.add(
        'autogeneratePattern',
        'validation_invalid_autogenerate_pattern',
        `${(err as Error).message}.`,
      );
      return;
    }
    try {
      validateText(field, sample);
    } catch (err) {
      if (!(err instanceof FieldValueError)) throw err;
      const message = `The provided autogenerate pattern could produce invalid field values, ex.: "${sample}".`;
      problems.add('autogeneratePattern', 'validation_invalid_autogenerate_pattern_value', message);
      return;
    }
  }
}

/** The `text` field type. */
export const textField: FieldKind = {
  type: 'text',
  columnKind: (field) => (field.primaryKey ? 'id' : 'text'),
  normalizeOptions(field, ctx) {
    const problems = new OptionProblems();
    const pkCount = ctx.collection.fields.filter((f) => f.type === 'text' && f.primaryKey).length;
    normalizeOptions(field, problems, pkCount);
    return problems.result();
  },
  zero: () => '',
  prepare(field, input, ctx) {
    const old = toText(ctx.old);
    if (field.primaryKey && !ctx.isNew) {
      // ids never change; stored ids are trusted (they may come from an import)
      if (input !== undefined && toText(input) !== old) {
        fail('validation_pk_change', 'The record primary key cannot be changed.');
      }
      return old;
    }
    let value = input === undefined ? (ctx.isNew ? '' : old) : toText(input);
    if (ctx.isNew && value === '' && field.autogeneratePattern)
      value = randomStringByPattern(field.autogeneratePattern);
    validateText(field, value);
    return value;
  },
  output: (_field, stored) => (stored === null || stored === undefined ? '' : String(stored)),
};

/**
 * The `bool` field: stored as 0/1, shown as true/false. Text is read like Go's
 * `strconv.ParseBool` ("1", "t", "true", "TRUE"… are true; anything else false) and
 * numbers are true when non-zero. `required` means the value must be true.
 */
import { failRequired, failUnsupported } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

const TRUE_TEXT = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

/** Casts an input to a boolean like PocketBase. */
export function toBool(input: unknown): boolean {
  if (input === null || input === undefined) return false;
  if (typeof input === 'boolean') return input;
  if (typeof input === 'number' || typeof input === 'bigint') return Number(input) !== 0;
  if (typeof input === 'string') return TRUE_TEXT.has(input.trim());
  return failUnsupported();
}

/** The `bool` field type. */
export const boolField: FieldKind = {
  type: 'bool',
  columnKind: () => 'bool',
  normalizeOptions(field) {
    field.required ??= false;
    return null;
  },
  zero: () => 0,
  prepare(field, input, ctx) {
    const value = input === undefined && !ctx.isNew ? toBool(ctx.old) : toBool(input);
    if (field.required && !value) failRequired();
    return value ? 1 : 0;
  },
  output: (_field, stored) => toBool(stored),
};

import type { ColumnKind } from '../../db/dialect.ts';
import type { SqlValue } from '../../db/driver.ts';
import type { ErrorData, FieldError } from '../../lib/errors.ts';
import type { Collection, Field, FieldType } from '../collection-types.ts';

/**
 * What the records service knows about a collection while it checks one field's options.
 * `collectionById` resolves relation targets.
 */
export interface FieldOptionsContext {
  collection: Collection;
  collectionById(id: string): Collection | undefined;
  collectionByName(name: string): Collection | undefined;
}

/** What a field sees while it prepares one record value. */
export interface FieldValueContext {
  /** true on create, false on update */
  isNew: boolean;
  /** the stored value before this write (update only), as the database holds it */
  old: SqlValue | undefined;
  /** the current time in the stored date format, one value per write */
  now: string;
}

/**
 * The behaviour of one field type. One file per type under `data/fields/`.
 *
 * Values move through three forms:
 * - input: what a client sent (JSON value, or a string from multipart form data)
 * - stored: the SQL value in the field's column (JSON arrays/objects as JSON text)
 * - output: the JSON value a record shows in API answers
 */
export interface FieldKind {
  readonly type: FieldType;
  /** The column's storage class. */
  columnKind(field: Field): ColumnKind;
  /**
   * Fills the type's default options on a field definition (mutating and returning it)
   * and checks them. Answers `null` when valid or the problems keyed by option name.
   */
  normalizeOptions(field: Field, ctx: FieldOptionsContext): ErrorData | null;
  /** The stored value of a field that was never set (column default and new records). */
  zero(field: Field): SqlValue;
  /**
   * Turns an input value into the stored value, coercing where PocketBase coerces
   * (e.g. "12" → 12 for numbers, "true" → 1 for bools), and validates it against the
   * field's options including `required`. Throws `FieldValueError` on invalid input.
   * `undefined` input means "not sent": on create the zero value is validated (so
   * `required` fires); on update the old value is kept and validated.
   */
  prepare(field: Field, input: unknown, ctx: FieldValueContext): SqlValue;
  /** Turns a stored value into its output form. */
  output(field: Field, stored: unknown): unknown;
  /**
   * Applies a modifier (`field+` append/add, `+field` prepend, `field-` remove/subtract)
   * to the old stored value and returns the new input value, to be passed to
   * `prepare`. Absent when the type has no modifiers. Numbers add/subtract; multi-valued
   * select/relation/file append, prepend, remove.
   */
  applyModifier?(
    field: Field,
    modifier: '+' | '-' | '^+',
    old: SqlValue | undefined,
    value: unknown,
  ): unknown;
}

/** Thrown by `prepare` with a PocketBase field problem. */
export class FieldValueError extends Error {
  readonly problem: FieldError;
  constructor(code: string, message: string, params?: Record<string, unknown>) {
    super(message);
    this.name = 'FieldValueError';
    this.problem = params ? { code, message, params } : { code, message };
  }
}

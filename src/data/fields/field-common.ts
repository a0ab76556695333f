/**
 * Small helpers shared by the field types: value coercion the way PocketBase casts
 * (spf13/cast), problem builders with PocketBase's codes, option checks.
 */
import type { ErrorData, FieldError } from '../../lib/errors.ts';
import { FieldValueError } from './field-kind.ts';

/** The largest integer a JSON number carries without loss (PocketBase's option ceiling). */
export const MAX_SAFE_OPTION = Number.MAX_SAFE_INTEGER;

/** Throws a field value problem. */
export function fail(code: string, message: string, params?: Record<string, unknown>): never {
  throw new FieldValueError(code, message, params);
}

/** Throws PocketBase's "required" problem. */
export function failRequired(): never {
  fail('validation_required', 'Cannot be blank.');
}

/** Throws the problem PocketBase answers for values of a type it cannot cast. */
export function failUnsupported(): never {
  fail('validation_unsupported_value_type', 'Invalid or unsupported value type.');
}

/**
 * Casts an input to text like PocketBase: strings as they are, numbers and booleans
 * spelled out, `null`/`undefined` as "". Arrays and objects are refused.
 */
export function toText(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string') return input;
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint')
    return String(input);
  return failUnsupported();
}

/**
 * Casts an input to a list of distinct non-empty strings (PocketBase's
 * `ToUniqueStringSlice`): a string holding `[` is read as a JSON array when it is one.
 */
export function uniqueStrings(input: unknown): string[] {
  let items: unknown[];
  if (input === null || input === undefined || input === '') items = [];
  else if (Array.isArray(input)) items = input;
  else if (typeof input === 'string' && input.includes('[')) items = parseJsonArray(input) ?? [input];
  else items = [input];
  const out = items.map((item) => (Array.isArray(item) ? '' : toText(item))).filter((s) => s !== '');
  return [...new Set(out)];
}

function parseJsonArray(text: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((v) => typeof v === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles a user pattern as PocketBase would run it (unanchored search); `undefined` when invalid. */
export function compilePattern(pattern: string): RegExp | undefined {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try the next flag set: some patterns are valid only outside unicode mode
    }
  }
  return undefined;
}

/** Collects option problems, keeping the first one per option as PocketBase does. */
export class OptionProblems {
  readonly #data: ErrorData = {};

  /** Records a problem on `key` unless it already has one. */
  add(key: string, code: string, message: string, params?: Record<string, unknown>): void {
    if (this.#data[key]) return;
    const problem: FieldError = params ? { code, message, params } : { code, message };
    this.#data[key] = problem;
  }

  /** Records a problem on one item of a list option (`data.<key>.<index>`), as PocketBase nests them. */
  addItem(key: string, index: number, code: string, message: string): void {
    if (this.#data[key]) return;
    this.#data[key] = { [String(index)]: { code, message } };
  }

  /** Checks an integer option lies within `[min, max]` (absent values pass). */
  intRange(key: string, value: unknown, min: number, max: number = MAX_SAFE_OPTION): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(key, 'validation_invalid_value', 'Must be an integer.');
    } else if (value < min) {
      this.add(key, 'validation_min_greater_equal_than_required', `Must be no less than ${min}.`, {
        threshold: min,
      });
    } else if (value > max) {
      this.add(key, 'validation_max_less_equal_than_required', `Must be no greater than ${max}.`, {
        threshold: max,
      });
    }
  }

  /** Checks a regular expression option compiles. */
  regex(key: string, value: unknown): void {
    if (value === undefined || value === '') return;
    if (typeof value !== 'string' || !compilePattern(value)) {
      this.add(key, 'validation_invalid_regex', 'Invalid regular expression.');
    }
  }

  /** The collected problems, or `null` when there are none. */
  result(): ErrorData | null {
    return Object.keys(this.#data).length > 0 ? this.#data : null;
  }
}

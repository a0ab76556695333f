/**
 * The `json` field: any JSON value, stored as JSON text (NULL when unset) and shown
 * parsed (`null` when unset). Text input that is itself valid JSON (`"12"`, `"[1]"`,
 * `"true"`) is read as JSON, other text as a JSON string — so multipart form values
 * work — as PocketBase does for every string input.
 */
import type { Field } from '../collection-types.ts';
import { fail, failRequired, failUnsupported, OptionProblems } from './field-common.ts';
import type { FieldKind } from './field-kind.ts';

/** The size limit in bytes applied when `maxSize` is 0. */
export const DEFAULT_JSON_MAX_SIZE = 1 << 20;

const EMPTY_JSON = new Set(['null', '""', '[]', '{}', '']);
const JSON_START = /^[-0-9"[{]/;

/** Turns an input into JSON text (`null` for a missing value). */
export function toJsonText(input: unknown): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input === 'string') {
    if (input === 'null' || input === 'true' || input === 'false') return input;
    if (JSON_START.test(input) && isJson(input)) return input;
    return JSON.stringify(input);
  }
  try {
    const text = JSON.stringify(input);
    return text === undefined ? failUnsupported() : text;
  } catch {
    return failUnsupported(); // cycles, bigint
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function validateJson(field: Field, text: string | null): void {
  const maxSize = field.maxSize || DEFAULT_JSON_MAX_SIZE;
  if (text !== null && Buffer.byteLength(text) > maxSize) {
    fail('validation_json_size_limit', `The maximum allowed JSON size is ${maxSize} bytes.`, { maxSize });
  }
  if (text !== null && !isJson(text)) fail('validation_invalid_json', 'Must be a valid json value.');
  if (field.required && EMPTY_JSON.has((text ?? '').trim())) failRequired();
}

/** The `json` field type. */
export const jsonField: FieldKind = {
  type: 'json',
  columnKind: () => 'json',
  normalizeOptions(field) {
    field.maxSize ??= 0;
    field.required ??= false;
    const problems = new OptionProblems();
    problems.intRange('maxSize', field.maxSize, 0);
    return problems.result();
  },
  zero: () => null,
  prepare(field, input, ctx) {
    const keep = input === undefined && !ctx.isNew;
    const text = keep ? (typeof ctx.old === 'string' ? ctx.old : null) : toJsonText(input);
    validateJson(field, text);
    return text;
  },
  output(_field, stored) {
    if (typeof stored !== 'string' || stored === '') return null;
    try {
      return JSON.parse(stored);
    } catch {
      return null;
    }
  },
};

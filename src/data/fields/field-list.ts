/**
 * Value handling shared by the list-like fields (`select`, `relation`, `file`): a single
 * value is stored as text, several (`maxSelect > 1`) as a JSON array in text.
 */
import { type Field, isMultiValued } from '../collection-types.ts';
import { fail } from './field-common.ts';

/**
 * Keeps what fits the field's shape: a single-valued field keeps only the last item
 * (PocketBase's "last selected wins"), a multi-valued one keeps all.
 */
export function settleItems<T>(field: Field, items: T[]): T[] {
  return isMultiValued(field) || items.length <= 1 ? items : items.slice(-1);
}

/** The stored form of a list of strings: text for single fields, JSON array text for multi. */
export function storeItems(field: Field, items: string[]): string {
  return isMultiValued(field) ? JSON.stringify(items) : (items.at(-1) ?? '');
}

/** Reads a stored value back as a list of strings (tolerates either stored shape). */
export function storedItems(stored: unknown): string[] {
  if (typeof stored !== 'string' || stored === '') return [];
  if (!stored.startsWith('[')) return [stored];
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed)
      ? parsed.filter((v): v is string => typeof v === 'string' && v !== '')
      : [stored];
  } catch {
    return [stored];
  }
}

/** The output form: an array for multi-valued fields, a string for single ones. */
export function outputItems(field: Field, stored: unknown): string[] | string {
  const items = storedItems(stored);
  return isMultiValued(field) ? items : (items.at(-1) ?? '');
}

/** The effective `maxSelect` (at least 1). */
export function maxSelectOf(field: Field): number {
  return Math.max(field.maxSelect ?? 1, 1);
}

/** Throws PocketBase's "too many values" problem when the list is longer than `maxSelect`. */
export function checkMaxSelect(field: Field, count: number): void {
  const maxSelect = maxSelectOf(field);
  if (count > maxSelect)
    fail('validation_too_many_values', `Select no more than ${maxSelect}.`, { maxSelect });
}

/**
 * Combines old items with modifier items: `+` appends, `^+` prepends, `-` removes.
 * `key` tells items apart (the value itself, or a file's name).
 */
export function modifyItems<T>(
  modifier: '+' | '-' | '^+',
  old: T[],
  given: T[],
  key: (item: T) => string = String,
): T[] {
  if (modifier === '+') return [...old, ...given];
  if (modifier === '^+') return [...given, ...old];
  const removed = new Set(given.map(key));
  return old.filter((item) => !removed.has(key(item)));
}

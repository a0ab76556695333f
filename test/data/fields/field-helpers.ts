/** Shared builders for the field type tests. */
import assert from 'node:assert/strict';
import type { Collection, Field, FieldType } from '../../../src/data/collection-types.ts';
import type { FieldOptionsContext, FieldValueContext } from '../../../src/data/fields/field-kind.ts';
import { FieldValueError } from '../../../src/data/fields/field-kind.ts';

export const NOW = '2024-05-06 07:08:09.123Z';

/** A field of `type` with the common flags set and `options` on top. */
export function makeField(type: FieldType, options: Partial<Field> = {}): Field {
  return {
    id: `${type}_test`,
    name: 'f',
    type,
    system: false,
    hidden: false,
    presentable: false,
    ...options,
  };
}

/** A create context. */
export const created: FieldValueContext = { isNew: true, old: undefined, now: NOW };

/** An update context over a stored value. */
export function updated(old: FieldValueContext['old']): FieldValueContext {
  return { isNew: false, old, now: NOW };
}

/** A collection holding `fields`. */
export function makeCollection(fields: Field[], extra: Partial<Collection> = {}): Collection {
  return {
    id: 'pbc_test',
    name: 'posts',
    type: 'base',
    system: false,
    fields,
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: NOW,
    updated: NOW,
    ...extra,
  };
}

/** An options context for `field` inside a collection, resolving `others` by id and name. */
export function optionsCtx(field: Field, others: Collection[] = []): FieldOptionsContext {
  const collection = makeCollection([field]);
  const all = [collection, ...others];
  return {
    collection,
    collectionById: (id) => all.find((c) => c.id === id),
    collectionByName: (name) => all.find((c) => c.name === name),
  };
}

/** Asserts `fn` throws a FieldValueError with `code` and returns its problem. */
export function assertProblem(fn: () => unknown, code: string): FieldValueError['problem'] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FieldValueError, `expected FieldValueError, got ${String(err)}`);
    assert.equal(err.problem.code, code, err.problem.message);
    assert.match(err.problem.message, /^[A-Z"'].*\.$/, 'messages are sentences');
    return err.problem;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

/** The option problem codes of a normalizeOptions result, keyed by option. */
export function codes(data: unknown): Record<string, unknown> {
  if (data === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Record<string, { code?: unknown }>)) {
    out[key] = typeof value.code === 'string' ? value.code : codes(value);
  }
  return out;
}

import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { isPlainObject } from '../../lib/json.ts';
import { newRecordId } from '../../lib/random.ts';
import { nowString } from '../../lib/time.ts';
import {
  COLLECTION_TYPES,
  type Collection,
  type CollectionType,
  type Field,
  type Rule,
} from '../collection-types.ts';
import type { FieldOptionsContext } from '../fields/field-kind.ts';
import { normalizeField } from '../fields/registry.ts';
import { defaultIdField } from '../fields/system-fields.ts';
import { ensureAuthSystemFields } from './auth-fields.ts';
import { mergeAuthOptions } from './auth-options.ts';
import { authOptionProblems } from './auth-options-validate.ts';
import { normalizeIndexes, parseIndex } from './collection-index.ts';

export const RULE_KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_NAMES = new Set(['sqlite_master', 'sqlite_sequence', 'sqlite_schema']);

/** What validation needs to know about the other collections. */
export interface CollectionLookup {
  byId(id: string): Collection | undefined;
  byName(name: string): Collection | undefined;
  all(): Collection[];
  /** checks a rule expression; answers a message when it does not compile */
  checkRule(collection: Collection, rule: string): string | null;
}

/**
 * Builds the complete, validated definition of a collection from client input.
 * `existing` is the stored definition on update (undefined on create). Throws a 400
 * `ApiError` whose `data` names every problem, keyed as PocketBase keys them.
 */
export function validateCollection(
  input: unknown,
  existing: Collection | undefined,
  lookup: CollectionLookup,
): Collection {
  if (!isPlainObject(input)) throw new ApiError('validation_failed', 'The collection must be a JSON object.');
  const problems: ErrorData = {};
  const next = mergeInput(input, existing);
  checkIdentity(next, existing, lookup, problems);
  const fieldCtx: FieldOptionsContext = {
    collection: next,
    collectionById: (id) => lookup.byId(id) ?? (id === next.id ? next : undefined),
    collectionByName: (name) => (name === next.name ? next : lookup.byName(name)),
  };
  checkFields(next, existing, fieldCtx, problems);
  if (!problems.fields) {
    try {
      const indexes = 'indexes' in input ? input.indexes : existing?.indexes;
      if (next.type === 'auth') next.indexes = Array.isArray(indexes) ? [...indexes] : [];
      if (next.type === 'auth') ensureAuthSystemFields(next);
      next.indexes = normalizeIndexes(
        next.type === 'auth' ? next.indexes : indexes,
        next.name,
        new Set(next.fields.map((f) => f.name)),
      );
      checkIndexNamesFree(next, lookup, problems);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      Object.assign(problems, error.data);
    }
    for (const key of RULE_KEYS) {
      const rule = next[key];
      const message = typeof rule === 'string' && rule !== '' ? lookup.checkRule(next, rule) : null;
      if (message) problems[key] = fieldError('validation_invalid_rule', message);
    }
    if (next.type === 'auth')
      Object.assign(
        problems,
        authOptionProblems(input, next, (rule) => lookup.checkRule(next, rule)),
      );
  }
  if (Object.keys(problems).length) {
    throw new ApiError(
      'validation_failed',
      existing ? 'Failed to update collection.' : 'Failed to create collection.',
      problems,
    );
  }
  return next;
}

function mergeInput(input: Record<string, unknown>, existing: Collection | undefined): Collection {
  const now = nowString();
  const pick = <T>(key: string, fallback: T): T => (key in input ? (input[key] as T) : fallback);
  const base: Collection = existing
    ? structuredClone(existing)
    : {
        id: typeof input.id === 'string' && input.id ? input.id : `pbc_${newRecordId().slice(0, 10)}`,
        name: '',
        type: 'base',
        system: false,
        fields: [],
        indexes: [],
        listRule: null,
        viewRule: null,
        createRule: null,
        updateRule: null,
        deleteRule: null,
        created: now,
        updated: now,
      };
  base.name = pick('name', base.name);
  base.type = pick('type', base.type);
  for (const key of RULE_KEYS) base[key] = pick<Rule>(key, base[key]);
  if ('fields' in input) base.fields = input.fields as Field[];
  if (base.type === 'auth') mergeAuthOptions(base, input);
  base.updated = now;
  return base;
}

function checkIdentity(
  next: Collection,
  existing: Collection | undefined,
  lookup: CollectionLookup,
  problems: ErrorData,
): void {
  if (typeof next.name !== 'string' || next.name === '') {
    problems.name = fieldError('validation_required', 'Cannot be blank.');
  } else if (!NAME_RE.test(next.name) || next.name.length > 255 || next.name.includes('_via_')) {
    problems.name = fieldError(
      'validation_invalid_name',
      'Use letters, digits and underscores, starting with a letter or underscore (and no "_via_").',
    );
  } else if (RESERVED_NAMES.has(next.name.toLowerCase())) {
    problems.name = fieldError(
      'validation_collection_name_invalid',
      'The name is reserved for an internal table.',
    );
  } else {
    const clash = lookup.byName(next.name);
    if (clash && clash.id !== next.id) {
      problems.name = fieldError(
        'validation_collection_name_exists',
        'Collection name must be unique (case insensitive).',
      );
    }
    if (existing?.system && existing.name !== next.name) {
      problems.name = fieldError(
        'validation_collection_system_name_change',
        'System collection name cannot be changed.',
      );
    }
  }
  if (!existing && lookup.byId(next.id))
    problems.id = fieldError('validation_invalid_id', 'The id is already in use.');
  if (!COLLECTION_TYPES.includes(next.type as CollectionType)) {
    problems.type = fieldError('validation_in_invalid', `Must be one of: ${COLLECTION_TYPES.join(', ')}.`);
  } else if (existing && existing.type !== next.type) {
    problems.type = fieldError('validation_collection_type_change', 'Collection type cannot be changed.');
  } else if (next.type === 'view') {
    problems.type = fieldError(
      'validation_unsupported_type',
      'View collections are not supported yet; use a base collection.',
    );
  }
  for (const key of RULE_KEYS) {
    const rule = next[key];
    if (rule !== null && typeof rule !== 'string')
      problems[key] = fieldError('validation_invalid_rule', 'A rule is a filter string or null.');
  }
}

function checkFields(
  next: Collection,
  existing: Collection | undefined,
  ctx: FieldOptionsContext,
  problems: ErrorData,
): void {
  if (!Array.isArray(next.fields)) {
    problems.fields = fieldError('validation_invalid_fields', 'Fields must be a list of field objects.');
    return;
  }
  const fields: Field[] = next.fields.map((raw) =>
    isPlainObject(raw) ? ({ ...raw } as Field) : (raw as Field),
  );
  adoptExistingIds(fields, existing);
  ensureSystemFields(fields, existing);
  next.fields = fields;
  if (next.type === 'auth') ensureAuthSystemFields(next);
  const fieldProblems: ErrorData = {};
  const seenNames = new Set<string>();
  const seenIds = new Set<string>();
  fields.forEach((field, i) => {
    if (!isPlainObject(field)) {
      fieldProblems[i] = fieldError('validation_invalid_field', 'A field must be an object.');
      return;
    }
    const errors = normalizeField(field, ctx) ?? {};
    const lower = String(field.name).toLowerCase();
    if (seenNames.has(lower))
      errors.name = fieldError('validation_duplicated_field_name', 'Duplicated or invalid field name.');
    if (seenIds.has(field.id))
      errors.id = fieldError('validation_duplicated_field_id', 'Duplicated field id.');
    const before = existing?.fields.find((f) => f.id === field.id);
    if (before && before.type !== field.type) {
      errors.type = fieldError(
        'validation_field_type_change',
        'The type of an existing field cannot be changed.',
      );
    }
    seenNames.add(lower);
    seenIds.add(field.id);
    if (Object.keys(errors).length) fieldProblems[i] = errors;
  });
  for (const old of existing?.fields ?? []) {
    if (old.system && !seenIds.has(old.id))
      fieldProblems[old.name] = fieldError(
        'validation_system_field_change',
        'System fields cannot be removed.',
      );
  }
  if (Object.keys(fieldProblems).length) problems.fields = fieldProblems;
}

/** Index names share one namespace across the whole database. */
function checkIndexNamesFree(next: Collection, lookup: CollectionLookup, problems: ErrorData): void {
  const taken = new Map<string, string>();
  for (const other of lookup.all()) {
    if (other.id === next.id) continue;
    for (const raw of other.indexes) {
      const def = parseIndex(raw);
      if (def) taken.set(def.name.toLowerCase(), other.name);
    }
  }
  const clashes: ErrorData = {};
  next.indexes.forEach((raw, i) => {
    const def = parseIndex(raw);
    const owner = def && taken.get(def.name.toLowerCase());
    if (owner)
      clashes[i] = fieldError(
        'validation_duplicated_index_name',
        `The index name "${def.name}" is already used by the collection "${owner}".`,
      );
  });
  if (Object.keys(clashes).length) problems.indexes = clashes;
}

/** A field sent without id but named like an existing field is that field (PocketBase does the same). */
function adoptExistingIds(fields: Field[], existing: Collection | undefined): void {
  for (const field of fields) {
    if (!isPlainObject(field) || field.id) continue;
    const match = existing?.fields.find((f) => f.name === field.name);
    if (match) field.id = match.id;
  }
}

/** Every collection has the `id` primary key field first. */
function ensureSystemFields(fields: Field[], existing: Collection | undefined): void {
  if (fields.some((f) => isPlainObject(f) && f.name === 'id')) return;
  const previous = existing?.fields.find((f) => f.name === 'id');
  fields.unshift(previous ? structuredClone(previous) : defaultIdField());
}

import type { SqlValue } from '../../db/driver.ts';
import { ApiError, type ErrorData, fieldError } from '../../lib/errors.ts';
import { hashPassword } from '../../lib/password.ts';
import type { Collection, Field } from '../collection-types.ts';
import { FieldValueError } from '../fields/field-kind.ts';
import { fieldKind } from '../fields/registry.ts';
import type { RecordRow } from './record-output.ts';

/** A body key may carry a modifier: `field+` (append/add), `+field` (prepend), `field-` (remove/subtract). */
type Modifier = '+' | '-' | '^+';

interface SentValue {
  value: unknown;
  modifiers: { modifier: Modifier; value: unknown }[];
  set: boolean;
}

/** Groups body keys by field, separating plain values from modifier operations. */
function collectSent(collection: Collection, body: Record<string, unknown>): Map<string, SentValue> {
  const sent = new Map<string, SentValue>();
  const entry = (name: string) => {
    const found = sent.get(name);
    if (found) return found;
    const created: SentValue = { value: undefined, modifiers: [], set: false };
    sent.set(name, created);
    return created;
  };
  const names = new Set(collection.fields.map((f) => f.name));
  for (const [key, value] of Object.entries(body)) {
    if (names.has(key)) {
      Object.assign(entry(key), { value, set: true });
    } else if (key.startsWith('+') && names.has(key.slice(1))) {
      entry(key.slice(1)).modifiers.push({ modifier: '^+', value });
    } else if ((key.endsWith('+') || key.endsWith('-')) && names.has(key.slice(0, -1))) {
      entry(key.slice(0, -1)).modifiers.push({ modifier: key.endsWith('+') ? '+' : '-', value });
    }
    // unknown keys are ignored, as PocketBase does (clients echo whole records back)
  }
  return sent;
}

export interface PrepareOptions {
  collection: Collection;
  body: Record<string, unknown>;
  /** the stored row on update, undefined on create */
  old: RecordRow | undefined;
  now: string;
  /** superusers may set fields such as a custom id on update */
  isSuperuser: boolean;
}

/**
 * Turns a request body into the column values of one record write, validating every
 * field (all of them, so `required` fires on create and stays true on update). Throws
 * one 400 naming each invalid field.
 */
export async function prepareRecordValues(opts: PrepareOptions): Promise<Record<string, SqlValue>> {
  const { collection, body, old, now } = opts;
  const sent = collectSent(collection, body);
  const values: Record<string, SqlValue> = {};
  const problems: ErrorData = {};
  const isNew = old === undefined;
  for (const field of collection.fields) {
    try {
      const input = inputFor(field, sent.get(field.name), old, isNew);
      const stored = fieldKind(field.type).prepare(field, input, {
        isNew,
        old: old?.[field.name] as SqlValue,
        now,
      });
      values[field.name] = stored;
    } catch (error) {
      if (!(error instanceof FieldValueError)) throw error;
      problems[field.name] = error.problem;
    }
  }
  if (!isNew && sent.get('id')?.set && body.id !== old.id) {
    problems.id = fieldError('validation_readonly', 'The id of an existing record cannot be changed.');
  }
  if (Object.keys(problems).length) {
    throw new ApiError(
      'validation_failed',
      isNew ? 'Failed to create record.' : 'Failed to update record.',
      problems,
    );
  }
  await hashPasswords(collection, sent, values, old);
  return values;
}

function inputFor(
  field: Field,
  sent: SentValue | undefined,
  old: RecordRow | undefined,
  isNew: boolean,
): unknown {
  if (!sent) return undefined;
  const kind = fieldKind(field.type);
  let input: unknown = sent.set ? sent.value : undefined;
  if (sent.modifiers.length && !kind.applyModifier) {
    throw new FieldValueError(
      'validation_unsupported_modifier',
      `The field "${field.name}" does not support + or - modifiers.`,
    );
  }
  let base = (sent.set ? undefined : old?.[field.name]) as SqlValue | undefined;
  // the set value is checked against the stored one (a file list may keep names it already has)
  if (sent.set && sent.modifiers.length)
    base = kind.prepare(field, sent.value, { isNew, old: old?.[field.name] as SqlValue, now: '' });
  for (const { modifier, value } of sent.modifiers) {
    input = kind.applyModifier!(field, modifier, base ?? kind.zero(field), value);
    base = kind.prepare(field, input, { isNew, old: base, now: '' });
  }
  return input;
}

/** Password fields store an argon2id hash of what was sent; unsent ones keep the old hash. */
async function hashPasswords(
  collection: Collection,
  sent: Map<string, SentValue>,
  values: Record<string, SqlValue>,
  old: RecordRow | undefined,
): Promise<void> {
  for (const field of collection.fields) {
    if (field.type !== 'password') continue;
    const plain = sent.get(field.name)?.value;
    if (typeof plain === 'string' && plain !== '') values[field.name] = await hashPassword(plain);
    else values[field.name] = (old?.[field.name] as SqlValue) ?? '';
  }
}

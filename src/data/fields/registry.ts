/**
 * The field type table and the checks every field definition shares (id, name, flags),
 * whatever its type.
 */
import { crc32 } from 'node:zlib';
import type { ErrorData } from '../../lib/errors.ts';
import { FIELD_TYPES, type Field, type FieldType } from '../collection-types.ts';
import { autodateField } from './field-autodate.ts';
import { boolField } from './field-bool.ts';
import { OptionProblems } from './field-common.ts';
import { dateField } from './field-date.ts';
import { editorField } from './field-editor.ts';
import { emailField } from './field-email.ts';
import { fileField } from './field-file.ts';
import { jsonField } from './field-json.ts';
import type { FieldKind, FieldOptionsContext } from './field-kind.ts';
import { numberField } from './field-number.ts';
import { passwordField } from './field-password.ts';
import { relationField } from './field-relation.ts';
import { selectField } from './field-select.ts';
import { textField } from './field-text.ts';
import { urlField } from './field-url.ts';

/** Every field type's behaviour, by type name. */
export const FIELD_KINDS: Readonly<Record<FieldType, FieldKind>> = {
  text: textField,
  number: numberField,
  bool: boolField,
  email: emailField,
  url: urlField,
  date: dateField,
  autodate: autodateField,
  select: selectField,
  json: jsonField,
  relation: relationField,
  file: fileField,
  editor: editorField,
  password: passwordField,
};

/** Whether `type` names a known field type. */
export function isFieldType(type: unknown): type is FieldType {
  return typeof type === 'string' && (FIELD_TYPES as readonly string[]).includes(type);
}

/** The behaviour of a field type; throws on an unknown type (check with `isFieldType` first). */
export function fieldKind(type: string): FieldKind {
  if (!isFieldType(type)) throw new Error(`unknown field type "${type}"`);
  return FIELD_KINDS[type];
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Names a field may not take: SQL literals and the keys every record answer carries. */
export const RESERVED_FIELD_NAMES = [
  'null',
  'true',
  'false',
  '_rowid_',
  'collectionId',
  'collectionName',
  'expand',
];

/**
 * A field id as PocketBase makes one: the type followed by the CRC-32 of the name
 * (`text3208210256` for "id"), with a counter appended when `taken` already has it.
 */
export function generateFieldId(type: string, name: string, taken: ReadonlySet<string> = new Set()): string {
  const base = `${type}${crc32(name)}`;
  let id = base;
  for (let i = 2; taken.has(id) && i < 1000; i++) id = `${base}${i}`;
  return id;
}

function checkName(name: unknown, problems: OptionProblems): void {
  if (typeof name !== 'string' || name === '') {
    problems.add('name', 'validation_required', 'Cannot be blank.');
    return;
  }
  if (name.length > 100) {
    problems.add('name', 'validation_length_out_of_range', 'The length must be between 1 and 100.');
    return;
  }
  if (!NAME.test(name)) {
    problems.add('name', 'validation_match_invalid', 'Must be in a valid format.');
    return;
  }
  if (RESERVED_FIELD_NAMES.includes(name)) {
    problems.add('name', 'validation_not_in_invalid', 'Must not be in list.');
    return;
  }
  if (name.toLowerCase().includes('_via_'))
    problems.add('name', 'validation_found_via', 'The value cannot contain "_via_".');
}

function checkCommon(field: Field, problems: OptionProblems): void {
  checkName(field.name, problems);
  if (typeof field.id !== 'string' || field.id.length > 100) {
    problems.add('id', 'validation_length_out_of_range', 'The length must be between 1 and 100.');
  }
  if (field.help !== undefined && (typeof field.help !== 'string' || field.help.length > 300)) {
    problems.add('help', 'validation_length_out_of_range', 'The length must be between 1 and 300.');
  }
  for (const flag of ['system', 'hidden', 'presentable'] as const) {
    if (typeof field[flag] !== 'boolean')
      problems.add(flag, 'validation_invalid_value', 'Must be true or false.');
  }
}

/**
 * Fills a field definition's common defaults (`system`/`hidden`/`presentable` false, an
 * `id` from type and name when missing, unique within `ctx.collection`) and its type's
 * option defaults, mutating `field`; then checks name, id, type and options. Answers
 * the problems keyed by option name, or `null` when the field is valid. Duplicate
 * names across fields are the collection's check.
 */
export function normalizeField(field: Field, ctx: FieldOptionsContext): ErrorData | null {
  field.system ??= false;
  field.hidden ??= false;
  field.presentable ??= false;
  if (!isFieldType(field.type)) {
    return { type: { code: 'validation_in_invalid', message: 'Must be a valid value.' } };
  }
  if (!field.id) {
    const taken = new Set(ctx.collection.fields.filter((f) => f !== field).map((f) => f.id));
    field.id = generateFieldId(field.type, typeof field.name === 'string' ? field.name : '', taken);
  }
  const problems = new OptionProblems();
  checkCommon(field, problems);
  const common = problems.result();
  const options = FIELD_KINDS[field.type].normalizeOptions(field, ctx);
  return common || options ? { ...options, ...common } : null;
}

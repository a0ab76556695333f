/**
 * Field definitions PocketBase puts in collections by default.
 */
import type { Field } from '../collection-types.ts';
import { DEFAULT_ID_PATTERN } from './field-text.ts';

/**
 * A fresh copy of the `id` primary key field every collection starts with: 15 characters
 * of `[a-z0-9]`, generated on create. The field id matches PocketBase's (`text` +
 * CRC-32 of "id").
 */
export function defaultIdField(): Field {
  return {
    id: 'text3208210256',
    name: 'id',
    type: 'text',
    system: true,
    hidden: false,
    presentable: false,
    required: true,
    primaryKey: true,
    min: 15,
    max: 15,
    pattern: DEFAULT_ID_PATTERN,
    autogeneratePattern: '[a-z0-9]{15}',
  };
}

/** A fresh copy of an `autodate` field such as `created` (onCreate) or `updated` (onCreate + onUpdate). */
export function autodateFieldDef(name: 'created' | 'updated'): Field {
  return {
    id: name === 'created' ? 'autodate2990389176' : 'autodate3332085495',
    name,
    type: 'autodate',
    system: false,
    hidden: false,
    presentable: false,
    onCreate: true,
    onUpdate: name === 'updated',
  };
}

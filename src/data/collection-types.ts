/**
 * The collection model, shaped as PocketBase v0.23+ serializes it, so the SDK's
 * `pb.collections.*` reads and writes it unchanged.
 */

/** Every field type Basalt knows. */
export const FIELD_TYPES = [
  'text',
  'number',
  'bool',
  'email',
  'url',
  'date',
  'autodate',
  'select',
  'json',
  'relation',
  'file',
  'editor',
  'password',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export const COLLECTION_TYPES = ['base', 'auth', 'view'] as const;
export type CollectionType = (typeof COLLECTION_TYPES)[number];

/**
 * One field. Options that a type does not use are absent. `id` is stable across
 * renames, so a rename is told apart from a drop + add.
 */
export interface Field {
  id: string;
  name: string;
  type: FieldType;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
  required?: boolean;
  // text, editor, password
  min?: number;
  max?: number;
  pattern?: string;
  autogeneratePattern?: string;
  primaryKey?: boolean;
  // number
  onlyInt?: boolean;
  // email, url
  exceptDomains?: string[] | null;
  onlyDomains?: string[] | null;
  // select, relation, file
  maxSelect?: number;
  values?: string[];
  // relation
  collectionId?: string;
  cascadeDelete?: boolean;
  minSelect?: number;
  // file
  maxSize?: number;
  mimeTypes?: string[] | null;
  thumbs?: string[] | null;
  protected?: boolean;
  // editor
  convertURLs?: boolean;
  // autodate
  onCreate?: boolean;
  onUpdate?: boolean;
  // extra options a later feature adds; kept and echoed back
  [option: string]: unknown;
}

/** Rules: `null` = superusers only, `""` = everyone, otherwise a filter expression. */
export type Rule = string | null;

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: Rule;
  viewRule: Rule;
  createRule: Rule;
  updateRule: Rule;
  deleteRule: Rule;
  created: string;
  updated: string;
  /** view collections only */
  viewQuery?: string;
  /** auth collections carry their options here (added by the auth component) */
  [option: string]: unknown;
}

/** Field types whose value may hold several items when `maxSelect > 1`. */
export function isMultiValued(field: Field): boolean {
  if (field.type !== 'select' && field.type !== 'relation' && field.type !== 'file') return false;
  return (field.maxSelect ?? 1) > 1;
}

/** Looks a field up by name (case-sensitive, as PocketBase does). */
export function findField(collection: Collection, name: string): Field | undefined {
  return collection.fields.find((f) => f.name === name);
}

/** A small schema and a real node:sqlite database laid out by Basalt's storage conventions. */
import { DatabaseSync } from 'node:sqlite';
import {
  type Collection,
  type Field,
  type FieldType,
  isMultiValued,
} from '../../../src/data/collection-types.ts';
import type { FilterSchema } from '../../../src/data/filter/index.ts';
import type { SqlValue } from '../../../src/db/driver.ts';

type FieldSpec = Partial<Field> & { type: FieldType };

export function field(name: string, spec: FieldSpec): Field {
  return { id: `f_${name}`, name, system: false, hidden: false, presentable: false, ...spec };
}

export function collection(
  name: string,
  fields: Record<string, FieldSpec>,
  type: Collection['type'] = 'base',
): Collection {
  return {
    id: `c_${name}`,
    name,
    type,
    system: false,
    fields: [
      field('id', { type: 'text', primaryKey: true }),
      ...Object.entries(fields).map(([n, s]) => field(n, s)),
    ],
    indexes: [],
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    created: '',
    updated: '',
  };
}

const rel = (target: string, maxSelect = 1): FieldSpec => ({
  type: 'relation',
  collectionId: `c_${target}`,
  maxSelect,
});

export const users = collection(
  'users',
  {
    name: { type: 'text' },
    email: { type: 'email' },
    emailVisibility: { type: 'bool' },
    verified: { type: 'bool' },
    age: { type: 'number' },
    secret: { type: 'text', hidden: true },
    org: rel('orgs'),
  },
  'auth',
);
export const orgs = collection('orgs', { name: { type: 'text' }, kinds: { type: 'select', maxSelect: 3 } });
export const tags = collection('tags', { name: { type: 'text' }, weight: { type: 'number' } });
export const posts = collection('posts', {
  title: { type: 'text' },
  views: { type: 'number' },
  published: { type: 'bool' },
  author: rel('users'),
  tags: rel('tags', 5),
  status: { type: 'select', maxSelect: 1, values: ['draft', 'live'] },
  labels: { type: 'select', maxSelect: 4, values: ['a', 'b', 'c', 'd'] },
  data: { type: 'json' },
  created: { type: 'date' },
});
export const comments = collection('comments', {
  post: rel('posts'),
  body: { type: 'text' },
  likes: { type: 'number' },
  mentions: rel('users', 9),
});

export const ALL = [users, orgs, tags, posts, comments];

export function schemaOf(list: Collection[]): FilterSchema {
  return { collection: (key) => list.find((c) => c.name === key || c.id === key) };
}
export const schema = schemaOf(ALL);

function columnDef(f: Field): string {
  if (f.name === 'id') return '"id" TEXT PRIMARY KEY';
  if (isMultiValued(f)) return `"${f.name}" TEXT NOT NULL DEFAULT '[]'`;
  if (f.type === 'number') return `"${f.name}" NUMERIC NOT NULL DEFAULT 0`;
  if (f.type === 'bool') return `"${f.name}" INTEGER NOT NULL DEFAULT 0`;
  if (f.type === 'json') return `"${f.name}" TEXT DEFAULT NULL`;
  return `"${f.name}" TEXT NOT NULL DEFAULT ''`;
}

export type Row = Record<string, unknown>;

/** Stored form of a plain value: arrays/objects of json and multi fields as JSON text, bools as 0/1. */
export function toStored(f: Field, v: unknown): SqlValue {
  if (v === undefined)
    return f.type === 'json'
      ? null
      : isMultiValued(f)
        ? '[]'
        : f.type === 'number' || f.type === 'bool'
          ? 0
          : '';
  if (f.type === 'json') return v === null ? null : JSON.stringify(v);
  if (isMultiValued(f)) return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as SqlValue;
}

/** Creates the tables and inserts rows; returns the database and the stored rows per collection. */
export function openDb(data: Record<string, Row[]>, list: Collection[] = ALL) {
  const db = new DatabaseSync(':memory:');
  const stored: Record<string, Row[]> = {};
  for (const c of list) {
    db.exec(`CREATE TABLE "${c.name}" (${c.fields.map(columnDef).join(', ')})`);
    const rows = data[c.name] ?? [];
    stored[c.name] = [];
    for (const r of rows) {
      const values = c.fields.map((f) => toStored(f, r[f.name]));
      db.prepare(`INSERT INTO "${c.name}" VALUES (${c.fields.map(() => '?').join(', ')})`).run(
        ...(values as (string | number | null)[]),
      );
      stored[c.name].push(Object.fromEntries(c.fields.map((f, i) => [f.name, values[i]])));
    }
  }
  return { db, stored };
}

import { type Collection, type Field, findField, isMultiValued } from '../collection-types.ts';
import { filterError } from './errors.ts';
import { JoinRegistry } from './joins.ts';
import type { Affinity, Operand, ValueExpr } from './plan.ts';
import type { ResolveContext } from './resolve-context.ts';

const MAX_NESTED_RELATIONS = 6;
const MODIFIERS = new Set(['isset', 'each', 'length', 'lower', 'changed']);
const BACK_RELATION = /^(\w+)_via_(\w+)$/;

/** Where a field path starts. */
export type PathRoot =
  | { kind: 'record' }
  | { kind: 'all'; collection: Collection; key: string }
  | { kind: 'ids'; collection: Collection; ids: string[]; key: string; multi: boolean };

export interface PathOptions {
  /** answer NULL instead of an error for a missing field (`@request.*` paths) */
  nullifyMissing?: boolean;
}

/** Splits `name:modifier`; unknown modifiers are an error. */
export function splitModifier(prop: string): [string, string] {
  const parts = prop.split(':');
  if (parts.length === 1) return [prop, ''];
  if (parts.length > 2 || !MODIFIERS.has(parts[1])) throw filterError(`unknown modifier in "${prop}".`);
  return [parts[0], parts[1]];
}

/**
 * Resolves `a.b.c[:modifier]` from a root into an operand. Joins go into the shared
 * registry; for multi-valued paths an independent copy is planned too (`every`).
 */
export function resolvePath(
  ctx: ResolveContext,
  root: PathRoot,
  props: string[],
  opts: PathOptions = {},
): Operand {
  const shared = walk(ctx, ctx.joins, root, props, opts);
  if (!shared) return { kind: 'value', value: null, lower: false };
  const { value, multi, guard, nullMode } = shared;
  if (!multi) return { kind: 'expr', value, nullMode, guard };
  const own = new JoinRegistry(ctx.names);
  const copy = walk(ctx, own, root, props, opts)!;
  return { kind: 'expr', value, nullMode, guard, every: { joins: own.joins, value: copy.value } };
}

interface Walked {
  value: ValueExpr;
  multi: boolean;
  guard?: ValueExpr;
  nullMode: 'auto' | 'disabled';
}

interface State {
  alias: string;
  collection: Collection;
  key: string;
  multi: boolean;
}

function walk(
  ctx: ResolveContext,
  reg: JoinRegistry,
  root: PathRoot,
  props: string[],
  opts: PathOptions,
): Walked | null {
  const s = start(ctx, reg, root);
  for (let i = 0; i < props.length; i++) {
    const prop = props[i];
    if (i === props.length - 1) return finish(ctx, reg, s, prop, opts);
    const field = findField(s.collection, prop);
    if (field) checkVisible(ctx, s.collection, field);
    if (field?.type === 'json') return jsonPath(s, field, props.slice(i + 1));
    if (i >= MAX_NESTED_RELATIONS)
      throw filterError(`"${props.join('.')}" follows more than ${MAX_NESTED_RELATIONS} relations.`);
    if (!field) {
      if (!backRelation(ctx, reg, s, prop, opts)) return null;
      continue;
    }
    if (field.type !== 'relation') {
      throw filterError(
        `field "${prop}" of collection "${s.collection.name}" is not a relation, so "${props.join('.')}" cannot be followed.`,
      );
    }
    const target = ctx.schema.collection(field.collectionId ?? '');
    if (!target) throw filterError(`the collection of relation field "${prop}" no longer exists.`);
    const many = isMultiValued(field);
    // `rel.id` on a single relation is the stored id itself: no join needed
    if (!many && i === props.length - 2 && props[i + 1] === 'id')
      return finish(ctx, reg, s, field.name, opts);
    const key = `${s.key}/${prop}`;
    let parent = s.alias;
    let column = field.name;
    if (many) {
      parent = reg.add(`${key}[]`, (alias) => ({ kind: 'each', alias, parent: s.alias, column: field.name }));
      column = 'value';
    }
    const alias = reg.add(key, (a) => ({ kind: 'byId', alias: a, parent, column, collection: target }));
    joinedCollection(ctx, reg, target, alias);
    Object.assign(s, { alias, collection: target, key, multi: s.multi || many });
  }
  throw filterError('an empty field path.');
}

function start(ctx: ResolveContext, reg: JoinRegistry, root: PathRoot): State {
  if (root.kind === 'record') {
    return {
      alias: ctx.tableAlias,
      collection: ctx.collection,
      key: ctx.keyPrefix + ctx.tableAlias,
      multi: false,
    };
  }
  const { collection } = root;
  const key = ctx.keyPrefix + root.key;
  const alias =
    root.kind === 'all'
      ? reg.add(key, (a) => ({ kind: 'all', alias: a, collection }))
      : reg.add(key, (a) => ({ kind: 'ids', alias: a, collection, ids: root.ids }));
  joinedCollection(ctx, reg, collection, alias);
  return { alias, collection, key, multi: root.kind === 'all' || root.multi };
}

/**
 * Client filters may read another collection only as far as its list rule allows
 * (PocketBase: superusers only when the rule is null; otherwise the rule must hold
 * for the joined record).
 */
function joinedCollection(
  ctx: ResolveContext,
  reg: JoinRegistry,
  collection: Collection,
  alias: string,
): void {
  if (ctx.allowHiddenFields || reg !== ctx.joins) return;
  if (collection.listRule === null) {
    throw filterError(`the records of collection "${collection.name}" can be filtered by superusers only.`);
  }
  if (collection.listRule === '' || ctx.ruleJoins.some((j) => j.alias === alias)) return;
  ctx.ruleJoins.push({ collection, alias });
}

function checkVisible(ctx: ResolveContext, collection: Collection, field: Field): void {
  if (field.hidden && !ctx.allowHiddenFields) {
    throw filterError(
      `field "${field.name}" of collection "${collection.name}" is hidden and cannot be filtered or sorted by.`,
    );
  }
}

function unknownField(s: State, name: string, opts: PathOptions): null {
  if (opts.nullifyMissing) return null;
  throw filterError(`unknown field "${name}" in collection "${s.collection.name}".`);
}

function backRelation(
  ctx: ResolveContext,
  reg: JoinRegistry,
  s: State,
  prop: string,
  opts: PathOptions,
): boolean {
  const m = BACK_RELATION.exec(prop);
  if (!m) return unknownField(s, prop, opts) ?? false;
  const source = ctx.schema.collection(m[1]);
  const field = source && findField(source, m[2]);
  if (!source || !field || field.type !== 'relation' || field.collectionId !== s.collection.id) {
    if (opts.nullifyMissing) return false;
    throw filterError(
      `"${prop}" is not a back-relation: expected <collection>_via_<relation field> where the field is a relation to "${s.collection.name}".`,
    );
  }
  checkVisible(ctx, source, field);
  const kind = isMultiValued(field) ? 'backMany' : 'back';
  const key = `${s.key}/${prop}`;
  const alias = reg.add(key, (a) => ({
    kind,
    alias: a,
    parent: s.alias,
    column: field.name,
    collection: source,
  }));
  Object.assign(s, { alias, collection: source, key, multi: true });
  return true;
}

function affinityOf(field: Field): Affinity {
  if (field.type === 'number' || field.type === 'bool') return 'numeric';
  return field.type === 'json' ? 'none' : 'text';
}

function jsonPath(s: State, field: Field, rest: string[]): Walked {
  if (rest.some((p) => p.includes(':')))
    throw filterError(`modifiers cannot follow a JSON path ("${rest.join('.')}").`);
  const column: ValueExpr = { kind: 'column', alias: s.alias, column: field.name, affinity: 'none' };
  return { value: { kind: 'jsonExtract', of: column, path: rest }, multi: s.multi, nullMode: 'disabled' };
}

function finish(
  ctx: ResolveContext,
  reg: JoinRegistry,
  s: State,
  prop: string,
  opts: PathOptions,
): Walked | null {
  const [name, modifier] = splitModifier(prop);
  const field = findField(s.collection, name);
  if (!field) return unknownField(s, name, opts);
  checkVisible(ctx, s.collection, field);
  const column: ValueExpr = {
    kind: 'column',
    alias: s.alias,
    column: field.name,
    affinity: affinityOf(field),
  };
  const listLike = field.type === 'select' || field.type === 'relation' || field.type === 'file';
  const many = isMultiValued(field);
  if (modifier === 'length' || modifier === 'each') {
    if (!listLike)
      throw filterError(`":${modifier}" works only on select, relation and file fields, not on "${name}".`);
    if (modifier === 'length') {
      return {
        value: { kind: many ? 'arrayLength' : 'singleLength', of: column },
        multi: s.multi,
        nullMode: 'auto',
      };
    }
    if (!many) return { value: column, multi: s.multi, nullMode: 'auto' };
    const alias = reg.add(`${s.key}/${name}:each`, (a) => ({
      kind: 'each',
      alias: a,
      parent: s.alias,
      column: field.name,
    }));
    return {
      value: { kind: 'column', alias, column: 'value', affinity: 'none' },
      multi: true,
      nullMode: 'auto',
    };
  }
  if (modifier === 'isset' || modifier === 'changed') {
    throw filterError(`":${modifier}" works only on @request.body fields, not on "${name}".`);
  }
  let value: ValueExpr = field.type === 'json' ? { kind: 'jsonExtract', of: column, path: [] } : column;
  if (modifier === 'lower') value = { kind: 'lower', of: value };
  const guarded = field.name === 'email' && s.collection.type === 'auth' && !ctx.allowHiddenFields;
  const guard: ValueExpr | undefined = guarded
    ? { kind: 'column', alias: s.alias, column: 'emailVisibility', affinity: 'numeric' }
    : undefined;
  return { value, multi: s.multi, guard, nullMode: field.type === 'json' ? 'disabled' : 'auto' };
}

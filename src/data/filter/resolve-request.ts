import { type Field, findField, isMultiValued } from '../collection-types.ts';
import { filterError } from './errors.ts';
import { JoinRegistry } from './joins.ts';
import type { Operand } from './plan.ts';
import type { RequestInfo, ResolveContext } from './resolve-context.ts';
import { type PathRoot, resolvePath, splitModifier } from './resolve-path.ts';

const NULL: Operand = { kind: 'value', value: null, lower: false };
const PLAIN_AUTH_FIELDS = new Set([
  'id',
  'collectionId',
  'collectionName',
  'email',
  'emailVisibility',
  'verified',
]);

/** Resolves `@request.*` identifiers (`props` is the name split on "."). */
export function resolveRequest(ctx: ResolveContext, props: string[]): Operand {
  const req = ctx.request;
  if (!req) return NULL;
  const area = props[1];
  if (area === 'auth' && props.length > 2) return resolveAuth(ctx, req, props);
  if (area === 'body' && props.length > 2) {
    const [name, modifier] = splitModifier(props[2]);
    const field = findField(ctx.collection, name);
    if (field) return resolveBodyField(ctx, req, field, modifier, props);
  }
  const sources: Record<string, unknown> = {
    context: req.context,
    method: req.method,
    query: req.query,
    headers: normalizeHeaders(req.headers),
    body: req.body,
  };
  if (!Object.hasOwn(sources, area)) {
    throw filterError(
      `unknown request property "@request.${area}"; use auth, body, query, headers, method or context.`,
    );
  }
  return staticValue(sources, props.slice(1));
}

function normalizeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase().replaceAll('-', '_'), v]),
  );
}

function lookup(data: unknown, keys: string[]): { found: boolean; value: unknown } {
  let cur = data;
  for (const key of keys) {
    if (Array.isArray(cur) && /^\d+$/.test(key) && Number(key) < cur.length) cur = cur[Number(key)];
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else return { found: false, value: null };
  }
  return { found: true, value: cur };
}

/** A plain value for SQL: objects and arrays become JSON text. */
function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return JSON.stringify(v);
}

function staticValue(data: unknown, path: string[], coerce?: Field): Operand {
  const last = path.length - 1;
  const [name, modifier] = splitModifier(path[last]);
  const { found, value } = lookup(data, [...path.slice(0, last), name]);
  if (modifier === 'isset') return { kind: 'value', value: found, lower: false };
  if (modifier && modifier !== 'lower')
    throw filterError(`":${modifier}" cannot be used on "${path.join('.')}".`);
  let v = plain(value);
  // multipart bodies send numbers as text
  if (coerce?.type === 'number' && typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v))
    v = Number(v);
  return { kind: 'value', value: v, lower: modifier === 'lower' && v !== null };
}

function resolveAuth(ctx: ResolveContext, req: RequestInfo, props: string[]): Operand {
  const auth = req.auth;
  if (!auth) return NULL;
  if (props.length === 3 && PLAIN_AUTH_FIELDS.has(props[2])) return staticValue(auth, [props[2]]);
  const collection =
    req.authCollection ?? ctx.schema.collection(String(auth.collectionId ?? auth.collectionName ?? ''));
  if (!collection) return NULL;
  const root: PathRoot = { kind: 'ids', collection, ids: [String(auth.id ?? '')], key: 'auth', multi: false };
  return resolvePath(ctx, root, props.slice(2), { nullifyMissing: true });
}

function items(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function resolveBodyField(
  ctx: ResolveContext,
  req: RequestInfo,
  field: Field,
  modifier: string,
  props: string[],
): Operand {
  const name = field.name;
  const sent = req.body[name];
  const listLike = field.type === 'select' || field.type === 'relation' || field.type === 'file';
  if (field.type === 'relation' && props.length > 3) {
    const ids = [...new Set(items(sent).map(String))];
    const collection = ctx.schema.collection(field.collectionId ?? '');
    if (ids.length === 0 || !collection) return NULL;
    const root: PathRoot = { kind: 'ids', collection, ids, key: `body:${name}`, multi: isMultiValued(field) };
    return resolvePath(ctx, root, props.slice(3), { nullifyMissing: true });
  }
  if (props.length === 3 && (modifier === 'each' || modifier === 'length') && !listLike) {
    throw filterError(`":${modifier}" works only on select, relation and file fields, not on "${name}".`);
  }
  if (props.length === 3 && modifier === 'length')
    return { kind: 'value', value: items(sent).length, lower: false };
  if (props.length === 3 && modifier === 'each') return bodyEach(ctx, field, JSON.stringify(items(sent)));
  if (props.length === 3 && modifier === 'lower') {
    const text =
      sent === null || sent === undefined
        ? ''
        : typeof sent === 'object'
          ? JSON.stringify(sent)
          : String(sent);
    return { kind: 'value', value: text, lower: true };
  }
  if (props.length === 3 && modifier === 'changed') return changed(ctx, req, name);
  return staticValue(req.body, props.slice(2), field);
}

function bodyEach(ctx: ResolveContext, field: Field, json: string): Operand {
  const key = `${ctx.keyPrefix}body:${field.name}:each`;
  const make = (reg: JoinRegistry) => {
    const alias = reg.add(key, (a) => ({ kind: 'items', alias: a, json }));
    return { kind: 'column', alias, column: 'value', affinity: 'none' } as const;
  };
  const value = make(ctx.joins);
  if (!isMultiValued(field)) return { kind: 'expr', value, nullMode: 'nonEmpty' };
  const own = new JoinRegistry(ctx.names);
  return { kind: 'expr', value, nullMode: 'nonEmpty', every: { joins: own.joins, value: make(own) } };
}

/** `x:changed` is `@request.body.x:isset = true && @request.body.x != x`. */
function changed(ctx: ResolveContext, req: RequestInfo, name: string): Operand {
  const left = staticValue(req.body, [name], findField(ctx.collection, name));
  const right = resolvePath(ctx, { kind: 'record' }, [name]);
  return {
    kind: 'changed',
    set: Object.hasOwn(req.body, name),
    compare: { kind: 'compare', op: '!=', any: false, left, right },
  };
}

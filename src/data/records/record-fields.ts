import { ApiError } from '../../lib/errors.ts';
import { isPlainObject } from '../../lib/json.ts';

/**
 * The `fields` parameter: which keys of an answer to keep, with dot paths into nested
 * objects (`expand.author.name`), `*` for every key of a level, and the `:excerpt(max,
 * ellipsis)` modifier that turns rich text into a short plain-text preview.
 */
interface PickNode {
  children: Map<string, PickNode>;
  excerpt?: { max: number; ellipsis: boolean };
}

const PATH =
  /^([A-Za-z0-9_*]+(?:\.[A-Za-z0-9_*]+)*)(?::excerpt\(\s*(\d+)\s*(?:,\s*(true|false|1|0)\s*)?\))?$/;

/** Parses the parameter into a tree; a malformed entry answers 400. */
export function parseFields(text: string): PickNode | null {
  const entries = splitTopLevel(text)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const root: PickNode = { children: new Map() };
  for (const entry of entries) {
    const match = PATH.exec(entry);
    if (!match)
      throw new ApiError(
        'invalid_fields',
        `Invalid fields: "${entry}" is not a field path (use name, a.b, * or name:excerpt(200,true)).`,
      );
    let node = root;
    for (const part of match[1].split('.')) {
      if (!node.children.has(part)) node.children.set(part, { children: new Map() });
      node = node.children.get(part)!;
    }
    if (match[2]) node.excerpt = { max: Number(match[2]), ellipsis: match[3] === 'true' || match[3] === '1' };
  }
  return root;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Keeps only the picked keys of a value (objects and arrays of objects). */
export function pickFields(value: unknown, node: PickNode): unknown {
  if (Array.isArray(value)) return value.map((v) => pickFields(v, node));
  if (!isPlainObject(value)) return node.excerpt ? excerpt(value, node.excerpt) : value;
  if (node.children.size === 0) return node.excerpt ? excerpt(value, node.excerpt) : value;
  const out: Record<string, unknown> = {};
  const star = node.children.get('*');
  if (star)
    for (const [key, v] of Object.entries(value))
      out[key] = star.children.size || star.excerpt ? pickFields(v, star) : v;
  for (const [key, child] of node.children) {
    if (key === '*' || !(key in value)) continue;
    out[key] = pickFields(value[key], child);
  }
  return out;
}

/** Strips tags and collapses whitespace, then cuts to `max` characters. */
function excerpt(value: unknown, opts: { max: number; ellipsis: boolean }): unknown {
  if (typeof value !== 'string') return value;
  const plain = value
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= opts.max) return plain;
  return plain.slice(0, opts.max).trimEnd() + (opts.ellipsis ? '...' : '');
}

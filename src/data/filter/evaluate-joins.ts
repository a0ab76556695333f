import type { JoinDef } from './plan.ts';
import { fromJs, toText } from './sqlite-values.ts';

/** A row as the table stores it: column → stored value (JSON text for arrays and objects). */
export type StoredRow = Record<string, unknown>;
/** Rows of a collection by name, in stored form. */
export type RecordSource = (collection: string) => StoredRow[];
/** alias → the row bound to it (null for the all-NULL row of an unmatched LEFT JOIN) */
export type Binding = Record<string, StoredRow | null>;

function parseJson(x: unknown): unknown {
  if (typeof x !== 'string') return x ?? undefined;
  try {
    return JSON.parse(x);
  } catch {
    return undefined;
  }
}

/** A stored value's items: a JSON array's elements, else the value itself as one item (`dialect.jsonArray`). */
export function arrayItems(x: unknown): unknown[] {
  const parsed = parseJson(x);
  return Array.isArray(parsed) ? parsed : [x ?? null];
}

function elements(x: unknown): StoredRow[] {
  return arrayItems(x).map((value) => ({ value }));
}

const textOf = (x: unknown) => {
  const t = toText(fromJs(x));
  return t === null ? null : String(t.v);
};

function rowsFor(j: JoinDef, b: Binding, source: RecordSource): StoredRow[] {
  if (j.kind === 'items') return (JSON.parse(j.json) as unknown[]).map((value) => ({ value }));
  if (j.kind === 'all') return source(j.collection.name);
  if (j.kind === 'ids') return source(j.collection.name).filter((r) => j.ids.includes(String(r.id)));
  const parent = b[j.parent];
  if (!parent) return [];
  switch (j.kind) {
    case 'each':
      return elements(parent[j.column]);
    case 'byId': {
      const id = textOf(parent[j.column]);
      return source(j.collection.name).filter((r) => id !== null && r.id === id);
    }
    case 'back':
      return source(j.collection.name).filter((r) => r[j.column] === parent.id);
    case 'backMany':
      return source(j.collection.name).filter((r) =>
        elements(r[j.column]).some((e) => textOf(e.value) === parent.id),
      );
  }
}

/** Every combination of joined rows (LEFT JOIN: at least one, all-NULL when nothing matches). */
export function* combinations(
  joins: JoinDef[],
  b: Binding,
  source: RecordSource,
  at = 0,
): Generator<Binding> {
  if (at === joins.length) {
    yield b;
    return;
  }
  const j = joins[at];
  const rows = rowsFor(j, b, source);
  for (const row of rows.length > 0 ? rows : [null]) {
    yield* combinations(joins, { ...b, [j.alias]: row }, source, at + 1);
  }
}

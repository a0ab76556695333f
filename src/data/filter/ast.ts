/**
 * The typed syntax tree of a PocketBase filter. Positions are 0-based character
 * offsets into the filter text (messages show them 1-based).
 */

/** The eight comparison operators; each also has an any-of form written with a `?` prefix. */
export const COMPARE_OPS = ['=', '!=', '>', '>=', '<', '<=', '~', '!~'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/** One side of a comparison. `true`/`false`/`null` are parsed as literals, case-insensitively. */
export type ValueNode =
  | { kind: 'identifier'; name: string; pos: number }
  | { kind: 'text'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'bool'; value: boolean; pos: number }
  | { kind: 'null'; pos: number };

/** `left op right`; `any` is true for the `?=` family (at least one item must match). */
export interface CompareNode {
  kind: 'compare';
  op: CompareOp;
  any: boolean;
  left: ValueNode;
  right: ValueNode;
  pos: number;
}

/** `&&` / `||` over two or more operands, flattened. */
export interface LogicalNode {
  kind: 'and' | 'or';
  items: FilterNode[];
}

export type FilterNode = CompareNode | LogicalNode;

/** Writes a node back as filter text (used by tests and error messages). */
export function formatFilter(node: FilterNode): string {
  if (node.kind === 'compare') {
    return `${formatValue(node.left)} ${node.any ? '?' : ''}${node.op} ${formatValue(node.right)}`;
  }
  const sep = node.kind === 'and' ? ' && ' : ' || ';
  return node.items.map((n) => (n.kind === 'compare' ? formatFilter(n) : `(${formatFilter(n)})`)).join(sep);
}

export function formatValue(v: ValueNode): string {
  switch (v.kind) {
    case 'identifier':
      return v.name;
    case 'text':
      return `'${v.value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    case 'number':
      return String(v.value);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
  }
}

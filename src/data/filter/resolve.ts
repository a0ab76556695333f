import type { CompareNode, FilterNode, ValueNode } from './ast.ts';
import { filterError } from './errors.ts';
import { macroValue } from './macros.ts';
import type { Operand, PlanNode } from './plan.ts';
import type { ResolveContext } from './resolve-context.ts';
import { resolvePath } from './resolve-path.ts';
import { resolveRequest } from './resolve-request.ts';

/** Resolves every comparison of a parsed filter against the schema and request. */
export function resolveNode(ctx: ResolveContext, node: FilterNode): PlanNode {
  if (node.kind !== 'compare') return { kind: node.kind, items: node.items.map((n) => resolveNode(ctx, n)) };
  return resolveCompare(ctx, node);
}

function resolveCompare(ctx: ResolveContext, node: CompareNode): PlanNode {
  return {
    kind: 'compare',
    op: node.op,
    any: node.any,
    left: resolveOperand(ctx, node.left),
    right: resolveOperand(ctx, node.right),
  };
}

/** Resolves one side of a comparison. */
export function resolveOperand(ctx: ResolveContext, v: ValueNode): Operand {
  switch (v.kind) {
    case 'text':
    case 'number':
    case 'bool':
      return { kind: 'value', value: v.value, lower: false };
    case 'null':
      return { kind: 'value', value: null, lower: false };
    case 'identifier':
      return resolveIdentifier(ctx, v.name, v.pos);
  }
}

function resolveIdentifier(ctx: ResolveContext, name: string, pos: number): Operand {
  const props = name.split('.');
  if (name.startsWith('@')) {
    const macro = macroValue(name, ctx.now);
    if (macro !== undefined) return { kind: 'value', value: macro, lower: false };
    if (props[0] === '@request') return resolveRequest(ctx, props);
    if (props[0] === '@collection') return resolveCollection(ctx, props, name);
    throw filterError(`unknown identifier "${name}" at position ${pos + 1}.`);
  }
  if (props.some((p) => p === '' || !/^\w+(:\w+)?$/.test(p)))
    throw filterError(`invalid field name "${name}".`);
  return resolvePath(ctx, { kind: 'record' }, props);
}

/** `@collection.name[:alias].field…`: every record of another collection. */
function resolveCollection(ctx: ResolveContext, props: string[], name: string): Operand {
  if (props.length < 3)
    throw filterError(`"${name}" needs a field after the collection, e.g. @collection.users.name.`);
  const [collectionName, alias, ...extra] = props[1].split(':');
  const collection = ctx.schema.collection(collectionName);
  if (!collection || extra.length > 0)
    throw filterError(`unknown collection "${collectionName}" in "${name}".`);
  const key = alias ? `@collection:alias:${alias}` : `@collection:${collection.name}`;
  return resolvePath(ctx, { kind: 'all', collection, key }, props.slice(2));
}

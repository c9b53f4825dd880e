import { freezeNode, type ExpressionKind, type ExpressionNode, type NodeOfKind } from './expression-node';

type Mapper = (child: ExpressionNode) => ExpressionNode;

const mappers: { [K in ExpressionKind]: (node: NodeOfKind<K>, f: Mapper) => NodeOfKind<K> } = {
  literal: (n) => n,
  identifier: (n) => n,
  negate: (n, f) => ({ ...n, operand: f(n.operand) }),
  not: (n, f) => ({ ...n, operand: f(n.operand) }),
  arithmetic: (n, f) => ({ ...n, left: f(n.left), right: f(n.right) }),
  comparison: (n, f) => ({ ...n, left: f(n.left), right: f(n.right) }),
  logical: (n, f) => ({ ...n, operands: n.operands.map(f) }),
  in: (n, f) => ({ ...n, operand: f(n.operand), values: n.values.map(f) }),
  'is-null': (n, f) => ({ ...n, operand: f(n.operand) }),
  call: (n, f) => ({ ...n, args: n.args.map(f) }),
};

/**
 * Returns a copy of `node` whose direct children went through `f` (leaves are returned as is).
 * The building block of AST rewrites such as macro expansion.
 */
export function mapChildren(node: ExpressionNode, f: Mapper): ExpressionNode {
  const mapper = mappers[node.kind] as (n: ExpressionNode, f: Mapper) => ExpressionNode;
  const mapped = mapper(node, f);
  return mapped === node ? node : freezeNode(mapped);
}

/** The direct children of a node, in source order. */
export function childrenOf(node: ExpressionNode): readonly ExpressionNode[] {
  switch (node.kind) {
    case 'literal':
    case 'identifier':
      return [];
    case 'negate':
    case 'not':
    case 'is-null':
      return [node.operand];
    case 'arithmetic':
    case 'comparison':
      return [node.left, node.right];
    case 'logical':
      return node.operands;
    case 'in':
      return [node.operand, ...node.values];
    case 'call':
      return node.args;
  }
}

/** Number of nodes in a tree (shared subtrees counted once per occurrence). */
export function countNodes(node: ExpressionNode): number {
  let total = 1;
  for (const child of childrenOf(node)) total += countNodes(child);
  return total;
}

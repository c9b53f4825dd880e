/** A literal value as written in an expression (`'a'`, `1.5`, `true`, `null`). */
export type LiteralValue = string | number | boolean | null;

/** Arithmetic operators, in the grammar's `additive` and `multiplicative` levels. */
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

/** Comparison operators; `~` is the case-insensitive LIKE of the language. */
export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | '~';

/** Logical connectives (`&&`, `||`); chains are flattened into one node. */
export type LogicalOperator = '&&' | '||';

interface NodeBase {
  /** Offset (0-based, in UTF-16 units) of the node's first character in the source text. */
  readonly position: number;
}

/** `'text'`, `42`, `1.5`, `true`, `false`, `null`. */
export interface LiteralNode extends NodeBase {
  readonly kind: 'literal';
  readonly value: LiteralValue;
}

/** A field (`status`), a variable (`@request.auth.id`) or a zero-argument macro (`@is_creator`). */
export interface IdentifierNode extends NodeBase {
  readonly kind: 'identifier';
  readonly name: string;
}

/** Unary minus: `-price`. Negative number literals are folded into a {@link LiteralNode}. */
export interface NegateNode extends NodeBase {
  readonly kind: 'negate';
  readonly operand: ExpressionNode;
}

/** Logical NOT: `!expr`. */
export interface NotNode extends NodeBase {
  readonly kind: 'not';
  readonly operand: ExpressionNode;
}

/** `a + b`, `a * b`, … */
export interface ArithmeticNode extends NodeBase {
  readonly kind: 'arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/** `a = b`, `a ~ 'x'`, … (one comparison per level: no chaining). */
export interface ComparisonNode extends NodeBase {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/** `a && b && c` or `a || b` with two or more operands. */
export interface LogicalNode extends NodeBase {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly operands: readonly ExpressionNode[];
}

/** `x IN (v1, v2, …)`. */
export interface InNode extends NodeBase {
  readonly kind: 'in';
  readonly operand: ExpressionNode;
  readonly values: readonly ExpressionNode[];
}

/** `x IS NULL` / `x IS NOT NULL`. */
export interface IsNullNode extends NodeBase {
  readonly kind: 'is-null';
  readonly operand: ExpressionNode;
  readonly negated: boolean;
}

/** `name(args…)`: a function (`lower(title)`) or, when the name starts with `@`, a macro call. */
export interface CallNode extends NodeBase {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly ExpressionNode[];
}

/** Any node of the expression AST. Nodes are plain frozen objects, safe to share and cache. */
export type ExpressionNode =
  | LiteralNode
  | IdentifierNode
  | NegateNode
  | NotNode
  | ArithmeticNode
  | ComparisonNode
  | LogicalNode
  | InNode
  | IsNullNode
  | CallNode;

/** The `kind` tags of {@link ExpressionNode}; `Record<ExpressionKind, …>` tables must cover all. */
export type ExpressionKind = ExpressionNode['kind'];

/** The node of a given kind. */
export type NodeOfKind<K extends ExpressionKind> = Extract<ExpressionNode, { kind: K }>;

/** Freezes a node (shallow: children are frozen when they are built). */
export function freezeNode<T extends ExpressionNode>(node: T): T {
  if (node.kind === 'logical') Object.freeze(node.operands);
  if (node.kind === 'in') Object.freeze(node.values);
  if (node.kind === 'call') Object.freeze(node.args);
  return Object.freeze(node);
}

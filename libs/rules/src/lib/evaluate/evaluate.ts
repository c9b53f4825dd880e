import type { ArithmeticNode, CallNode, ComparisonNode, ExpressionNode, IdentifierNode, InNode, LogicalNode } from '../ast/expression-node';
import { findFunction } from '../check/function-catalog';
import { likePattern } from '../check/like-pattern';
import { RuleEvaluationError } from '../errors/rule-evaluation-error';
import { readAuthVariable, type AuthContext } from '../resolver/auth-context';
import { likeMatch } from './like-match';
import { asciiLower, asciiUpper, compareValues, toSqlValue, toTruth, type SqlValue, type TruthValue } from './sql-value';

/** The data an expression is evaluated against. Missing parts behave as empty (NULL values). */
export interface EvaluationContext {
  /** The record's columns (booleans may be JS booleans or SQLite's 1/0). */
  readonly record?: Readonly<Record<string, unknown>> | null;
  /** The principal; absent = anonymous. */
  readonly auth?: AuthContext | null;
  /** The request body (`@request.data.*`). */
  readonly data?: Readonly<Record<string, unknown>> | null;
}

/**
 * Evaluates a prepared (macro-expanded, checked) AST in memory with the compiler's semantics,
 * including SQL's three-valued logic: returns TRUE, FALSE or UNKNOWN (`null`). A WHERE clause
 * keeps a row only when this is `true` (see {@link matches}).
 * @example evaluate(prepareExpression('price > 5', opts).ast, { record: { price: 7 } }) // true
 * @throws {RuleEvaluationError} on an unexpanded macro call or an unknown function.
 */
export function evaluate(ast: ExpressionNode, ctx: EvaluationContext): TruthValue {
  return toTruth(evaluateValue(ast, ctx));
}

/** Whether a WHERE clause with this expression would keep the record (TRUE only). */
export function matches(ast: ExpressionNode, ctx: EvaluationContext): boolean {
  return evaluate(ast, ctx) === true;
}

/** Evaluates any sub-expression to its SQL value (NULL as `null`). */
export function evaluateValue(node: ExpressionNode, ctx: EvaluationContext): SqlValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier':
      return lookup(node, ctx);
    case 'negate': {
      const v = evaluateValue(node.operand, ctx);
      return typeof v === 'number' ? -v : null;
    }
    case 'not': {
      const t = toTruth(evaluateValue(node.operand, ctx));
      return t === null ? null : !t;
    }
    case 'logical':
      return logical(node, ctx);
    case 'arithmetic':
      return arithmetic(node, ctx);
    case 'comparison':
      return node.operator === '~' ? like(node, ctx) : comparison(node, ctx);
    case 'in':
      return membership(node, ctx);
    case 'is-null':
      return (evaluateValue(node.operand, ctx) === null) !== node.negated;
    case 'call':
      return call(node, ctx);
  }
}

function lookup(node: IdentifierNode, ctx: EvaluationContext): SqlValue {
  const name = node.name;
  if (name.startsWith('@request.auth.')) return readAuthVariable(ctx.auth, name.slice('@request.auth.'.length));
  if (name.startsWith('@request.data.')) return own(ctx.data, name.slice('@request.data.'.length));
  return own(ctx.record, name);
}

function own(source: Readonly<Record<string, unknown>> | null | undefined, key: string): SqlValue {
  // hasOwn: `__proto__` or `constructor` must never reach the prototype chain.
  return source && Object.hasOwn(source, key) ? toSqlValue(source[key]) : null;
}

function logical(node: LogicalNode, ctx: EvaluationContext): TruthValue {
  const decisive = node.operator === '||';
  let unknown = false;
  for (const operand of node.operands) {
    const t = toTruth(evaluateValue(operand, ctx));
    if (t === decisive) return decisive;
    if (t === null) unknown = true;
  }
  return unknown ? null : !decisive;
}

function arithmetic(node: ArithmeticNode, ctx: EvaluationContext): SqlValue {
  const l = evaluateValue(node.left, ctx);
  const r = evaluateValue(node.right, ctx);
  if (typeof l !== 'number' || typeof r !== 'number') return null;
  switch (node.operator) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return r === 0 ? null : l / r;
    case '%':
      return r === 0 ? null : l - r * Math.trunc(l / r);
  }
}

function comparison(node: ComparisonNode, ctx: EvaluationContext): TruthValue {
  const l = evaluateValue(node.left, ctx);
  const r = evaluateValue(node.right, ctx);
  if (l === null || r === null) return null;
  const order = compareValues(l, r);
  if (order === null) return null;
  switch (node.operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '>=':
      return order >= 0;
    case '~':
      return like(node, ctx);
  }
}

function like(node: ComparisonNode, ctx: EvaluationContext): TruthValue {
  const text = evaluateValue(node.left, ctx);
  const raw = evaluateValue(node.right, ctx);
  if (typeof text !== 'string' || typeof raw !== 'string') return null;
  return likeMatch(text, likePattern(raw, node.right.kind === 'literal' ? 'literal' : 'value'));
}

function membership(node: InNode, ctx: EvaluationContext): TruthValue {
  const value = evaluateValue(node.operand, ctx);
  if (value === null) return null;
  let unknown = false;
  for (const item of node.values) {
    const v = evaluateValue(item, ctx);
    const order = v === null ? null : compareValues(value, v);
    if (order === 0) return true;
    if (order === null) unknown = true;
  }
  return unknown ? null : false;
}

function call(node: CallNode, ctx: EvaluationContext): SqlValue {
  const name = findFunction(node.name);
  if (!name || node.name.startsWith('@')) {
    throw new RuleEvaluationError(`Cannot evaluate '${node.name}' (macros must be expanded first)`, node.position);
  }
  const args = node.args.map((a) => evaluateValue(a, ctx));
  const [first] = args;
  switch (name) {
    case 'coalesce':
      return args.find((a) => a !== null) ?? null;
    case 'abs':
      return typeof first === 'number' ? Math.abs(first) : null;
    case 'length':
      return typeof first === 'string' ? Array.from(first).length : null;
    case 'lower':
      return typeof first === 'string' ? asciiLower(first) : null;
    case 'upper':
      return typeof first === 'string' ? asciiUpper(first) : null;
  }
}

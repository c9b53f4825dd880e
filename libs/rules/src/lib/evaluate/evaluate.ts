import type { ArithmeticNode, CallNode, ComparisonNode, ExpressionNode, IdentifierNode, InNode, LogicalNode } from '../ast/expression-node';
import { findFunction } from '../check/function-catalog';
import { likePattern } from '../check/like-pattern';
import { RuleEvaluationError } from '../errors/rule-evaluation-error';
import { readAuthVariable, type AuthContext } from '../resolver/auth-context';
import { likeMatch } from './like-match';
import { concat, dateAdd, dateDiff, formatInstant, parseInstant, round, substring, trimSpaces } from './scalar-functions';
import { asciiLower, asciiUpper, compareValues, toSqlValue, toTruth, type SqlValue, type TruthValue } from './sql-value';

/** The data an expression is evaluated against. Missing parts behave as empty (NULL values). */
export interface EvaluationContext {
  /** The record's columns (booleans may be JS booleans or SQLite's 1/0). */
  readonly record?: Readonly<Record<string, unknown>> | null;
  /** The principal; absent = anonymous. */
  readonly auth?: AuthContext | null;
  /** The request body (`@request.data.*`). */
  readonly data?: Readonly<Record<string, unknown>> | null;
  /**
   * The instant `now()` returns (ISO text or Date). {@link evaluate} fixes it once per call when
   * absent, so every `now()` of one evaluation agrees; pass it to share one instant across rows.
   */
  readonly now?: string | Date | null;
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

/** The context with `now` pinned (to the current time when the caller gave none). */
export function withFixedNow(ctx: EvaluationContext): EvaluationContext {
  return ctx.now ? ctx : { ...ctx, now: new Date() };
}

/** Whether a WHERE clause with this expression would keep the record (TRUE only). */
export function matches(ast: ExpressionNode, ctx: EvaluationContext): boolean {
  return evaluate(ast, ctx) === true;
}

/** Evaluates any sub-expression to its SQL value (NULL as `null`); see {@link withFixedNow} for `now()`. */
export function evaluateValue(node: ExpressionNode, ctx: EvaluationContext): SqlValue {
  return valueOf(node, withFixedNow(ctx));
}

function valueOf(node: ExpressionNode, ctx: EvaluationContext): SqlValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'identifier':
      return lookup(node, ctx);
    case 'negate': {
      const v = valueOf(node.operand, ctx);
      return typeof v === 'number' ? -v : null;
    }
    case 'not': {
      const t = toTruth(valueOf(node.operand, ctx));
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
      return (valueOf(node.operand, ctx) === null) !== node.negated;
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
    const t = toTruth(valueOf(operand, ctx));
    if (t === decisive) return decisive;
    if (t === null) unknown = true;
  }
  return unknown ? null : !decisive;
}

function arithmetic(node: ArithmeticNode, ctx: EvaluationContext): SqlValue {
  const l = valueOf(node.left, ctx);
  const r = valueOf(node.right, ctx);
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
  const l = valueOf(node.left, ctx);
  const r = valueOf(node.right, ctx);
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
  const text = valueOf(node.left, ctx);
  const raw = valueOf(node.right, ctx);
  if (typeof text !== 'string' || typeof raw !== 'string') return null;
  return likeMatch(text, likePattern(raw, node.right.kind === 'literal' ? 'literal' : 'value'));
}

function membership(node: InNode, ctx: EvaluationContext): TruthValue {
  const value = valueOf(node.operand, ctx);
  if (value === null) return null;
  let unknown = false;
  for (const item of node.values) {
    const v = valueOf(item, ctx);
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
  const args = node.args.map((a) => valueOf(a, ctx));
  const [first, second, third] = args;
  switch (name) {
    case 'coalesce':
      return args.find((a) => a !== null) ?? null;
    case 'if':
      return toTruth(first) === true ? second : third;
    case 'nullif':
      return first !== null && second !== null && compareValues(first, second) === 0 ? null : first;
    case 'abs':
      return typeof first === 'number' ? Math.abs(first) : null;
    case 'ceil':
      return typeof first === 'number' ? Math.ceil(first) : null;
    case 'floor':
      return typeof first === 'number' ? Math.floor(first) : null;
    case 'round':
      return round(first, second);
    case 'length':
      return typeof first === 'string' ? Array.from(first).length : null;
    case 'lower':
      return typeof first === 'string' ? asciiLower(first) : null;
    case 'upper':
      return typeof first === 'string' ? asciiUpper(first) : null;
    case 'trim':
      return trimSpaces(first);
    case 'concat':
      return concat(args);
    case 'substring':
      return substring(first, second, third);
    case 'now':
      return formatInstant(ctx.now instanceof Date ? ctx.now.getTime() : (parseInstant(ctx.now ?? null) ?? Date.now()));
    case 'date_diff':
      return dateDiff(first, second, third);
    case 'date_add':
      return dateAdd(first, second, third);
  }
}

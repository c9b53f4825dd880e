import type { CallNode, ComparisonNode, ExpressionNode, IdentifierNode, InNode, LiteralValue } from '../ast/expression-node';
import type { RuleIssue, RuleIssueCode } from '../errors/rule-issue';
import type { ExpressionResolution, Resolution, RuleResolver } from '../resolver/rule-resolver';
import { DATE_UNIT_SECONDS, FUNCTION_CATALOG, findFunction, isDateUnit, type ParamType } from './function-catalog';
import { hasDanglingEscape } from './like-pattern';
import { isOperatorAllowed, type MatrixOperator } from './operator-matrix';
import { areComparable, valueTypeOfField, type TypeInfo, type ValueType } from './value-type';

/** The checker's findings about one AST under one resolver. */
export interface Analysis {
  /** Every problem found (empty = the expression is valid here). */
  readonly issues: readonly RuleIssue[];
  /** The static type of every node. */
  readonly types: ReadonlyMap<ExpressionNode, TypeInfo>;
  /** How each accepted identifier resolved (rejected ones are only in `issues`). */
  readonly resolutions: ReadonlyMap<IdentifierNode, Resolution>;
}

/** Options of {@link analyzeExpression}. */
export interface AnalyzeOptions {
  /** Nodes already reported by an earlier stage (macro expansion): typed `invalid` silently. */
  readonly reported?: ReadonlySet<ExpressionNode>;
  /** Whether the root must be a condition (true for rules and filters). Default true. */
  readonly requireCondition?: boolean;
}

const INVALID: TypeInfo = { type: 'invalid', column: false };
const BOOLEAN: TypeInfo = { type: 'boolean', column: false };
const NUMBER: TypeInfo = { type: 'number', column: false };
const NOTHING_REPORTED: ReadonlySet<ExpressionNode> = new Set();

/**
 * Type-checks an (already macro-expanded) AST against a resolver and collects every problem at
 * once: unknown identifiers, operators a field type does not support, mismatched operand
 * types, unknown functions, wrong argument counts.
 */
export function analyzeExpression(ast: ExpressionNode, resolver: RuleResolver, options: AnalyzeOptions = {}): Analysis {
  const analyzer = new Analyzer(resolver, options.reported ?? NOTHING_REPORTED);
  const root = analyzer.visit(ast);
  if (options.requireCondition !== false) analyzer.requireCondition(ast, root);
  return { issues: analyzer.issues, types: analyzer.types, resolutions: analyzer.resolutions };
}

class Analyzer {
  readonly issues: RuleIssue[] = [];

  /**
   * `types` and `resolutions` are shared with the analyzer of an expression field's body, so the
   * compiler finds the body's nodes in the one {@link Analysis}; `inside` names that field.
   */
  constructor(
    private readonly resolver: RuleResolver,
    private readonly reported: ReadonlySet<ExpressionNode>,
    readonly types = new Map<ExpressionNode, TypeInfo>(),
    readonly resolutions = new Map<IdentifierNode, Resolution>(),
    private readonly inside?: string,
  ) {}

  visit(node: ExpressionNode): TypeInfo {
    const info = this.reported.has(node) ? INVALID : this.infer(node);
    this.types.set(node, info);
    return info;
  }

  requireCondition(node: ExpressionNode, info: TypeInfo): void {
    if (info.type === 'boolean' || info.type === 'invalid') return;
    this.report('not_a_condition', `Expected a condition (true/false), got ${info.type}`, node);
  }

  private infer(node: ExpressionNode): TypeInfo {
    switch (node.kind) {
      case 'literal':
        return { type: literalType(node.value), column: false };
      case 'identifier':
        return this.identifier(node);
      case 'negate':
        return this.expectNumber(node.operand, this.visit(node.operand)) ? NUMBER : INVALID;
      case 'not':
        this.requireCondition(node.operand, this.visit(node.operand));
        return BOOLEAN;
      case 'arithmetic': {
        const left = this.expectNumber(node.left, this.visit(node.left));
        const right = this.expectNumber(node.right, this.visit(node.right));
        return left && right ? NUMBER : INVALID;
      }
      case 'comparison':
        return node.operator === '~' ? this.like(node) : this.comparison(node);
      case 'logical':
        for (const operand of node.operands) this.requireCondition(operand, this.visit(operand));
        return BOOLEAN;
      case 'in':
        return this.membership(node);
      case 'is-null':
        this.visit(node.operand);
        return BOOLEAN;
      case 'call':
        return this.call(node);
    }
  }

  private identifier(node: IdentifierNode): TypeInfo {
    const resolution = this.resolver.resolve(node.name);
    if (resolution.kind === 'rejected') {
      this.report(resolution.code, resolution.message, node);
      return INVALID;
    }
    if (resolution.kind === 'expression') return this.expressionField(node, resolution);
    this.resolutions.set(node, resolution);
    const type = valueTypeOfField(resolution.fieldType);
    return { type, fieldType: resolution.fieldType, column: resolution.kind === 'column' };
  }

  /**
   * A name standing for an expression: typed as that expression (a bare column stays a column,
   * so PostgreSQL still infers parameter types from it). Its problems are reported once, at the
   * name, since their positions point into another text.
   */
  private expressionField(node: IdentifierNode, resolution: ExpressionResolution): TypeInfo {
    if (this.inside !== undefined) {
      this.report('invalid_field_expression', `Field '${this.inside}' names the expression field '${node.name}'; expression fields cannot be nested`, node);
      return INVALID;
    }
    const body = new Analyzer(resolution.resolver ?? this.resolver, NOTHING_REPORTED, this.types, this.resolutions, node.name);
    const info = body.visit(resolution.expression);
    const [first] = body.issues;
    if (first) {
      const nested = first.code === 'invalid_field_expression';
      this.report('invalid_field_expression', nested ? first.message : `Field '${node.name}' cannot be used: its expression is invalid (${first.message})`, node);
      return INVALID;
    }
    this.resolutions.set(node, resolution);
    return info;
  }

  private comparison(node: ComparisonNode): TypeInfo {
    const left = this.visit(node.left);
    const right = this.visit(node.right);
    if (isNullLiteral(node.left) || isNullLiteral(node.right)) {
      const hint = node.operator === '!=' ? 'IS NOT NULL' : 'IS NULL';
      this.report('null_comparison', `Comparison with null is never true; use ${hint}`, node);
      return INVALID;
    }
    const matrixOk = this.matrix(node.left, left, node.operator) && this.matrix(node.right, right, node.operator);
    if (!matrixOk) return INVALID;
    if (node.operator !== '=' && node.operator !== '!=' && (left.type === 'boolean' || right.type === 'boolean')) {
      this.report('operator_not_allowed', `Operator '${node.operator}' cannot order booleans`, node);
      return INVALID;
    }
    return this.comparable(node, left, right) ? BOOLEAN : INVALID;
  }

  private like(node: ComparisonNode): TypeInfo {
    const left = this.visit(node.left);
    const right = this.visit(node.right);
    let ok = this.matrix(node.left, left, '~');
    if (ok && !['text', 'null', 'invalid'].includes(left.type)) {
      this.report('operator_not_allowed', `Operator '~' needs text on the left, got ${left.type}`, node.left);
      ok = false;
    }
    const r = node.right;
    if (r.kind === 'literal' && typeof r.value === 'string') {
      if (hasDanglingEscape(r.value) && r.value.includes('%')) {
        this.report('invalid_pattern', `Pattern must not end with an escape character '\\'`, r);
        ok = false;
      }
    } else if (!(right.type === 'invalid' || (right.type === 'text' && r.kind === 'identifier' && this.resolutions.get(r)?.kind === 'value'))) {
      this.report('operator_not_allowed', `The right side of '~' must be a string literal or a @request value`, r);
      ok = false;
    }
    return ok && right.type !== 'invalid' ? BOOLEAN : INVALID;
  }

  private membership(node: InNode): TypeInfo {
    const operand = this.visit(node.operand);
    let ok = this.matrix(node.operand, operand, 'IN');
    if (ok && operand.type === 'boolean') {
      this.report('operator_not_allowed', `Operator 'IN' cannot be used with booleans`, node.operand);
      ok = false;
    }
    for (const value of node.values) {
      const info = this.visit(value);
      ok = this.matrix(value, info, 'IN') && ok && this.comparable(value, operand, info);
    }
    return ok ? BOOLEAN : INVALID;
  }

  private call(node: CallNode): TypeInfo {
    const args = node.args.map((a) => this.visit(a));
    if (node.name.startsWith('@')) {
      this.report('unknown_macro', `Unknown macro '${node.name}'`, node);
      return INVALID;
    }
    const name = findFunction(node.name);
    if (!name) {
      this.report('unknown_function', `Unknown function '${node.name}'. Available: ${Object.keys(FUNCTION_CATALOG).join(', ')}`, node);
      return INVALID;
    }
    const sig = FUNCTION_CATALOG[name];
    if (args.length < sig.minArgs || args.length > sig.maxArgs) {
      const expected = sig.minArgs === sig.maxArgs ? `${sig.minArgs}` : `${sig.minArgs} to ${sig.maxArgs}`;
      this.report('argument_count', `Function '${name}' expects ${expected} argument(s), got ${args.length}`, node);
      return INVALID;
    }
    if (sig.params === 'same') return this.sameTypeArgs(node, args);
    if (sig.params === 'if') return this.ifArgs(node, args);
    const params = sig.params;
    let ok = true;
    args.forEach((info, i) => {
      const want = params[Math.min(i, params.length - 1)];
      if (!this.argumentOk(node.args[i], info, want)) {
        const label = want === 'unit' ? `one of '${Object.keys(DATE_UNIT_SECONDS).join("', '")}'` : want;
        this.report('argument_type', `Argument ${i + 1} of '${name}' must be ${label}, got ${info.type}`, node.args[i]);
        ok = false;
      }
    });
    return ok && args.every((a) => a.type !== 'invalid') ? { type: sig.result as ValueType, column: false } : INVALID;
  }

  private argumentOk(node: ExpressionNode, info: TypeInfo, want: ParamType): boolean {
    // A unit is spliced into SQL as a constant factor, so only a known literal will do.
    if (want === 'unit') return node.kind === 'literal' && isDateUnit(node.value);
    if (info.type === 'null' || info.type === 'invalid') return true;
    if (want === 'temporal') return info.type === 'date' || info.type === 'datetime' || info.type === 'text';
    return info.type === want;
  }

  /** `if(cond, a, b)`: a condition, then two branches of one type (the result). */
  private ifArgs(node: CallNode, args: TypeInfo[]): TypeInfo {
    const [cond, ...branches] = args;
    this.requireCondition(node.args[0], cond);
    const result = this.sameTypeArgs({ ...node, args: node.args.slice(1) }, branches);
    return cond.type === 'boolean' ? result : INVALID;
  }

  private sameTypeArgs(node: CallNode, args: TypeInfo[]): TypeInfo {
    const typed = args.find((a) => a.type !== 'null' && a.type !== 'invalid');
    if (args.some((a) => a.type === 'invalid')) return INVALID;
    if (!typed) return { type: 'null', column: false };
    const ok = args.every((a, i) => (a.type === 'json' ? this.fail(node.args[i], 'json') : this.comparable(node.args[i], typed, a)));
    return ok ? { type: typed.type, fieldType: typed.fieldType, column: false } : INVALID;
  }

  private fail(node: ExpressionNode, type: ValueType): false {
    this.report('argument_type', `A ${type} value cannot be used here`, node);
    return false;
  }

  private matrix(node: ExpressionNode, info: TypeInfo, operator: MatrixOperator): boolean {
    if (!info.fieldType || isOperatorAllowed(info.fieldType, operator)) return true;
    const what = node.kind === 'identifier' ? `field '${node.name}'` : 'a value';
    this.report('operator_not_allowed', `Operator '${operator}' is not allowed on ${what} of type ${info.fieldType}`, node);
    return false;
  }

  private comparable(node: ExpressionNode, a: TypeInfo, b: TypeInfo): boolean {
    if (areComparable(a, b)) return true;
    this.report('type_mismatch', `Cannot compare ${a.type} with ${b.type}`, node);
    return false;
  }

  private expectNumber(node: ExpressionNode, info: TypeInfo): boolean {
    if (info.type === 'number' || info.type === 'null') return true;
    if (info.type !== 'invalid') this.report('type_mismatch', `Arithmetic needs numbers, got ${info.type}`, node);
    return false;
  }

  private report(code: RuleIssueCode, message: string, node: ExpressionNode): void {
    this.issues.push({ code, message, position: node.position });
  }
}

function isNullLiteral(node: ExpressionNode): boolean {
  return node.kind === 'literal' && node.value === null;
}

function literalType(value: LiteralValue): ValueType {
  if (value === null) return 'null';
  return typeof value === 'string' ? 'text' : typeof value === 'number' ? 'number' : 'boolean';
}

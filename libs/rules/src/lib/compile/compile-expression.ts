import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { ArithmeticNode, CallNode, ComparisonNode, ExpressionNode, InNode } from '../ast/expression-node';
import type { Analysis } from '../check/analyze-expression';
import { DATE_UNIT_SECONDS, FUNCTION_CATALOG, findFunction, isDateUnit, type ParamType } from '../check/function-catalog';
import { likePattern } from '../check/like-pattern';
import { prepareExpression, type PrepareOptions, type PreparedExpression } from '../check/prepare-expression';
import type { TypeInfo, ValueType } from '../check/value-type';
import type { ScalarValue } from '../resolver/rule-resolver';
import { POSTGRES_OPS } from './postgres-ops';
import type { AnyExpressionBuilder, DialectOps, SqlDialect, SqlExpression } from './sql-dialect';
import { SQLITE_OPS } from './sqlite-ops';

/** Options of {@link compileExpression}. */
export interface CompileOptions extends PrepareOptions {
  readonly dialect: SqlDialect;
  /** Qualify columns with this table alias (`"p"."status"`). */
  readonly tableAlias?: string;
}

interface Slot {
  /** The type a NULL literal in this position should take. */
  readonly expected?: ValueType;
  /** The other operand is a column: PostgreSQL can infer the parameter's type from it. */
  readonly besideColumn?: boolean;
}

const DIALECTS: Record<SqlDialect, DialectOps> = { sqlite: SQLITE_OPS, postgres: POSTGRES_OPS };
const ALIAS = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ATOMIC = new Set<ExpressionNode['kind']>(['literal', 'identifier', 'call', 'logical']);

/**
 * Compiles an expression into a Kysely `Expression<SqlBool>` for a WHERE clause. Text input is
 * parsed, macro-expanded and checked first ({@link prepareExpression}); identifiers become
 * `eb.ref` only after the resolver allowed them and every literal or request value is a bound
 * parameter, so no user text ever reaches the SQL string.
 * @example
 * const where = compileExpression("status = 'published' || @owns_record()", {
 *   resolver: createRuleResolver({ fields, auth }), kind: 'rule', dialect: 'postgres',
 * });
 * await db.selectFrom('col_posts').selectAll().where(where).execute();
 * @throws {RuleSyntaxError} | {RuleLimitError} | {RuleCheckError} on bad input.
 */
export function compileExpression(input: string | ExpressionNode | PreparedExpression, options: CompileOptions): Expression<SqlBool> {
  if (options.tableAlias !== undefined && !ALIAS.test(options.tableAlias)) {
    throw new RangeError(`Invalid table alias '${options.tableAlias}'`);
  }
  const prepared = typeof input === 'object' && 'analysis' in input ? input : prepareExpression(input, options);
  const compiler = new SqlCompiler(prepared.analysis, DIALECTS[options.dialect], options.tableAlias);
  return compiler.compile(prepared.ast, {}) as Expression<SqlBool>;
}

class SqlCompiler {
  private readonly eb: AnyExpressionBuilder = expressionBuilder();

  constructor(
    private readonly analysis: Analysis,
    private readonly ops: DialectOps,
    private readonly alias: string | undefined,
  ) {}

  compile(node: ExpressionNode, slot: Slot): SqlExpression {
    const eb = this.eb;
    switch (node.kind) {
      case 'literal':
        return this.param(node, node.value, slot);
      case 'identifier': {
        const resolution = this.analysis.resolutions.get(node);
        if (resolution?.kind === 'column') return eb.ref(this.alias ? `${this.alias}.${resolution.column}` : resolution.column);
        return this.param(node, resolution?.kind === 'value' ? resolution.value : null, slot);
      }
      case 'negate':
        return eb.neg(this.operand(node.operand, { expected: 'number' }));
      case 'not':
        return eb.not(this.operand(node.operand, { expected: 'boolean' }));
      case 'logical': {
        const operands = node.operands.map((o) => this.compile(o, { expected: 'boolean' }));
        return node.operator === '&&' ? eb.and(operands as Expression<SqlBool>[]) : eb.or(operands as Expression<SqlBool>[]);
      }
      case 'arithmetic':
        return this.arithmetic(node);
      case 'comparison':
        return node.operator === '~' ? this.like(node) : this.comparison(node);
      case 'in':
        return this.membership(node);
      case 'is-null':
        return eb(this.operand(node.operand, {}), node.negated ? 'is not' : 'is', null);
      case 'call':
        return this.call(node);
    }
  }

  /** A child in operator position: compound children get parentheses (Kysely adds none). */
  private operand(node: ExpressionNode, slot: Slot): SqlExpression {
    const compiled = this.compile(node, slot);
    return ATOMIC.has(node.kind) ? compiled : this.eb.parens(compiled);
  }

  private param(node: ExpressionNode, value: ScalarValue, slot: Slot): SqlExpression {
    const info = this.type(node);
    const effective: TypeInfo = info.type === 'null' ? { ...info, type: slot.expected ?? 'text' } : info;
    return this.ops.param(this.eb, value, effective, slot.besideColumn === true);
  }

  private arithmetic(node: ArithmeticNode): SqlExpression {
    const left = this.operand(node.left, { expected: 'number' });
    const right = this.operand(node.right, { expected: 'number' });
    switch (node.operator) {
      case '/':
        return this.ops.divide(this.eb, left, right);
      case '%':
        return this.ops.modulo(this.eb, left, right);
      default:
        return this.eb(left, node.operator, right);
    }
  }

  private comparison(node: ComparisonNode): SqlExpression {
    const [leftInfo, rightInfo] = [this.type(node.left), this.type(node.right)];
    const expected = leftInfo.type === 'null' ? rightInfo.type : leftInfo.type;
    let left = this.operand(node.left, { expected, besideColumn: rightInfo.column });
    let right = this.operand(node.right, { expected, besideColumn: leftInfo.column });
    const ordering = node.operator !== '=' && node.operator !== '!=';
    if (ordering && leftInfo.type === 'text' && rightInfo.type === 'text') {
      // Collate the side with a known type (an uncast parameter next to a column has none).
      if (rightInfo.column && !leftInfo.column) right = this.ops.codePointOrder(right);
      else left = this.ops.codePointOrder(left);
    }
    return this.eb(left, node.operator === '!=' ? '<>' : node.operator, right);
  }

  private like(node: ComparisonNode): SqlExpression {
    const left = this.operand(node.left, { expected: 'text' });
    const right = node.right;
    const resolution = right.kind === 'identifier' ? this.analysis.resolutions.get(right) : undefined;
    const raw = right.kind === 'literal' ? right.value : resolution?.kind === 'value' ? resolution.value : null;
    const pattern = typeof raw === 'string' ? likePattern(raw, right.kind === 'literal' ? 'literal' : 'value') : null;
    const param = this.ops.param(this.eb, pattern, { type: 'text', column: false }, this.type(node.left).column);
    return this.ops.like(left, param);
  }

  private membership(node: InNode): SqlExpression {
    const operandInfo = this.type(node.operand);
    const anyColumn = node.values.some((v) => this.type(v).column);
    const expected = operandInfo.type === 'null' ? node.values.map((v) => this.type(v).type).find((t) => t !== 'null') : operandInfo.type;
    const operand = this.operand(node.operand, { expected, besideColumn: anyColumn });
    const values = node.values.map((v) => this.operand(v, { expected, besideColumn: operandInfo.column }));
    return this.eb(operand, 'in', values);
  }

  private call(node: CallNode): SqlExpression {
    const name = findFunction(node.name);
    // Only catalogue names reach here (the checker rejected the rest); never a user string.
    if (!name) throw new Error(`Unchecked function '${node.name}'`);
    const eb = this.eb;
    const fns = this.ops.functions;
    if (name === 'coalesce' || name === 'nullif') return eb.fn(name, this.sameTyped(node, node.args));
    if (name === 'if') {
      const [cond, then, otherwise] = [this.compile(node.args[0], { expected: 'boolean' }), ...this.sameTyped(node, node.args.slice(1))];
      return eb.case().when(cond as Expression<SqlBool>).then(then).else(otherwise).end();
    }
    const params = FUNCTION_CATALOG[name].params as readonly ParamType[];
    const args = node.args.map((a, i) => this.operand(a, { expected: slotType(params[Math.min(i, params.length - 1)]) }));
    const [a, b, c] = args;
    switch (name) {
      case 'lower':
      case 'upper':
        return this.ops.changeCase(eb, name, a);
      case 'length':
      case 'abs':
        return eb.fn(name, [a]);
      case 'concat':
        return fns.concat(args);
      case 'trim':
        return fns.trim(a);
      case 'substring':
        return fns.substring(a, b, c);
      case 'round':
        return fns.round(a, b);
      case 'ceil':
        return fns.ceil(a);
      case 'floor':
        return fns.floor(a);
      case 'now':
        return fns.now();
      case 'date_diff':
        return fns.dateDiff(a, b, unitSeconds(node.args[2]));
      case 'date_add':
        return fns.dateAdd(a, b, unitSeconds(node.args[2]));
    }
  }

  /** Arguments sharing one type (coalesce, nullif, if's branches): NULL literals take that type. */
  private sameTyped(node: CallNode, args: readonly ExpressionNode[]): SqlExpression[] {
    const info = this.type(node);
    const anyColumn = args.some((a) => this.type(a).column);
    return args.map((a) => this.operand(a, { expected: info.type, besideColumn: anyColumn }));
  }

  private type(node: ExpressionNode): TypeInfo {
    return this.analysis.types.get(node) ?? { type: 'invalid', column: false };
  }
}

/** The type a NULL literal takes in a parameter of this kind. */
function slotType(param: ParamType): ValueType {
  return param === 'temporal' || param === 'unit' ? 'text' : param;
}

/** The checked unit literal's length in seconds (the checker only lets known units through). */
function unitSeconds(node: ExpressionNode): number {
  const unit = node.kind === 'literal' ? node.value : null;
  if (!isDateUnit(unit)) throw new Error('Unchecked date unit');
  return DATE_UNIT_SECONDS[unit];
}

import { expressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { ArithmeticNode, CallNode, ComparisonNode, ExpressionNode, InNode } from '../ast/expression-node';
import type { Analysis } from '../check/analyze-expression';
import { DATE_UNIT_SECONDS, FUNCTION_CATALOG, findFunction, isDateUnit, type ParamType } from '../check/function-catalog';
import { likePattern } from '../check/like-pattern';
import { prepareExpression, type PrepareOptions, type PreparedExpression } from '../check/prepare-expression';
import type { TypeInfo, ValueType } from '../check/value-type';
import type { ExpressionResolution, ScalarValue } from '../resolver/rule-resolver';
import { POSTGRES_OPS } from './postgres-ops';
import type { AnyExpressionBuilder, DialectOps, SqlDialect, SqlExpression } from './sql-dialect';
import { SQLITE_OPS } from './sqlite-ops';
import { isTimestampLiteral } from './timestamp-literal';

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
const TEMPORAL: ReadonlySet<ValueType> = new Set(['date', 'datetime']);

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
  /** Set while an expression field's body is compiled: bodies never nest (the checker says so). */
  private inlining = false;

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
        if (resolution?.kind === 'expression') return this.inline(resolution, slot);
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

  /**
   * An expression field: its body's SQL in place of the name, in parentheses unless atomic
   * (`operand` never wraps an identifier, and `total * 2` with `total` = `price + qty` must be
   * `(price + qty) * 2`). The body's nodes were typed by the same analysis.
   */
  private inline(resolution: ExpressionResolution, slot: Slot): SqlExpression {
    if (this.inlining) throw new Error('Nested expression field (unchecked analysis)');
    this.inlining = true;
    try {
      const body = resolution.expression;
      const compiled = this.compile(body, slot);
      return ATOMIC.has(body.kind) ? compiled : this.eb.parens(compiled);
    } finally {
      this.inlining = false;
    }
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
    const mixed = this.temporalMix([node.left, node.right]);
    let left = this.compared(node.left, { expected, besideColumn: rightInfo.column }, mixed);
    let right = this.compared(node.right, { expected, besideColumn: leftInfo.column }, mixed);
    const ordering = node.operator !== '=' && node.operator !== '!=';
    // A temporal column turned into text compares by code point, as the evaluator does.
    if (ordering && mixed) left = this.ops.codePointOrder(left);
    else if (ordering && leftInfo.type === 'text' && rightInfo.type === 'text') {
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
    const mixed = this.temporalMix([node.operand, ...node.values]);
    const operand = this.compared(node.operand, { expected, besideColumn: anyColumn }, mixed);
    const values = node.values.map((v) => this.compared(v, { expected, besideColumn: operandInfo.column }, mixed));
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
    const args = node.args.map((a, i) => {
      const param = params[Math.min(i, params.length - 1)];
      return param === 'temporal' ? this.temporalArgument(a) : this.operand(a, { expected: slotType(param) });
    });
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

  /**
   * A date function's date argument. Dates and datetimes are dates; text is one only in the
   * ISO-8601 forms the evaluator reads (else NULL, as the evaluator gives): decided here for a
   * bound value, in SQL for a column or expression of text.
   */
  private temporalArgument(node: ExpressionNode): SqlExpression {
    if (this.isParameter(node)) {
      const value = this.parameterValue(node);
      const usable = typeof value === 'string' && isTimestampLiteral(value);
      return usable ? this.operand(node, { expected: 'text' }) : this.ops.param(this.eb, null, { type: 'text', column: false }, false);
    }
    const compiled = this.operand(node, { expected: 'text' });
    return this.type(node).type === 'text' ? this.ops.timestampText(compiled) : compiled;
  }

  /** Arguments sharing one type (coalesce, nullif, if's branches): NULL literals take that type. */
  private sameTyped(node: CallNode, args: readonly ExpressionNode[]): SqlExpression[] {
    const info = this.type(node);
    const anyColumn = args.some((a) => this.type(a).column);
    const mixed = this.temporalMix(args);
    return args.map((a) => this.compared(a, { expected: info.type, besideColumn: anyColumn }, mixed));
  }

  /**
   * Whether operands compared with one another (or sharing one type) mix a date/datetime column
   * with a computed text or date/datetime (a function or expression field, not a parameter):
   * PostgreSQL types the column (timestamptz) but the computed value as text, so the column
   * must be compared as its ISO text there ({@link DialectOps.temporalText}).
   */
  private temporalMix(nodes: readonly ExpressionNode[]): boolean {
    let column = false;
    let computed = false;
    for (const node of nodes) {
      const info = this.type(node);
      if (info.column && TEMPORAL.has(info.type)) column = true;
      else if (!info.column && (TEMPORAL.has(info.type) || info.type === 'text') && !this.isParameter(node)) computed = true;
      // A bound text that is no timestamp (`due > 'garbage'`): PostgreSQL would type it as one
      // and fail the statement; compared as text it means what it means on SQLite.
      else if (this.isParameter(node) && !isTimestampParameter(this.parameterValue(node))) computed = true;
    }
    return column && computed;
  }

  /** The value a parameter node binds (a literal's, or the resolver's). */
  private parameterValue(node: ExpressionNode): ScalarValue {
    if (node.kind === 'literal') return node.value;
    const resolution = node.kind === 'identifier' ? this.analysis.resolutions.get(node) : undefined;
    return resolution?.kind === 'value' ? resolution.value : null;
  }

  /** An operand of a comparison group: a temporal column as text when the group is mixed. */
  private compared(node: ExpressionNode, slot: Slot, mixed: boolean): SqlExpression {
    const compiled = this.operand(node, slot);
    const info = this.type(node);
    return mixed && info.column && TEMPORAL.has(info.type) ? this.ops.temporalText(compiled, info.type as 'date' | 'datetime') : compiled;
  }

  /** A literal or a resolver value: bound as a parameter, whose type PostgreSQL may infer. */
  private isParameter(node: ExpressionNode): boolean {
    return node.kind === 'literal' || (node.kind === 'identifier' && this.analysis.resolutions.get(node)?.kind === 'value');
  }

  private type(node: ExpressionNode): TypeInfo {
    return this.analysis.types.get(node) ?? { type: 'invalid', column: false };
  }
}

/** A parameter PostgreSQL can bind as a timestamp beside a timestamp column: NULL or ISO text. */
function isTimestampParameter(value: ScalarValue): boolean {
  return value === null || (typeof value === 'string' && isTimestampLiteral(value));
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

import type { Expression, ExpressionBuilder } from 'kysely';
import type { ScalarValue } from '../resolver/rule-resolver';
import type { TypeInfo } from '../check/value-type';

/** The SQL dialects the compiler targets. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Any Kysely expression the compiler produces. */
export type SqlExpression = Expression<unknown>;

/** The untyped expression builder the compiler works with (tables are unknown to this library). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExpressionBuilder = ExpressionBuilder<any, any>;

/**
 * What differs between dialects, and only that (the rest is Kysely's job). Each method returns
 * Kysely expressions; user values only ever enter as `eb.val` parameters.
 */
export interface DialectOps {
  /**
   * A bound parameter of static type `info`. `besideColumn` says the other operand is a column,
   * whose type the database can infer the parameter from.
   */
  param(eb: AnyExpressionBuilder, value: ScalarValue, info: TypeInfo, besideColumn: boolean): SqlExpression;
  /** `left / right` as real division, NULL when right is 0. */
  divide(eb: AnyExpressionBuilder, left: SqlExpression, right: SqlExpression): SqlExpression;
  /** `left - right * trunc(left / right)`, NULL when right is 0. */
  modulo(eb: AnyExpressionBuilder, left: SqlExpression, right: SqlExpression): SqlExpression;
  /** Case-insensitive LIKE with `\` as the escape character. */
  like(left: SqlExpression, pattern: SqlExpression): Expression<unknown>;
  /** ASCII-only case mapping (`lower`/`upper`), identical on every dialect. */
  changeCase(eb: AnyExpressionBuilder, fn: 'lower' | 'upper', operand: SqlExpression): SqlExpression;
  /** Makes a text operand of `<`, `>`, `<=`, `>=` compare by code point. */
  codePointOrder(operand: SqlExpression): SqlExpression;
  /**
   * A date/datetime column as the ISO-8601 text the evaluator sees (`2024-01-01T00:00:00.000Z`,
   * `2024-01-01`), for where it meets a computed date/datetime, which is text (`now()`,
   * `date_add`): PostgreSQL cannot compare or coalesce a typed timestamp with text.
   */
  temporalText(operand: SqlExpression, type: 'date' | 'datetime'): SqlExpression;
  /**
   * A text operand of a date function (`date_diff`, `date_add`): itself when it is an ISO-8601
   * date or date-time the evaluator reads as one (see `isTimestampLiteral`), else NULL, as the
   * evaluator gives, and never an error (PostgreSQL's cast fails the statement on other text).
   */
  timestampText(operand: SqlExpression): SqlExpression;
  /**
   * The functions whose SQL differs between dialects, with the evaluator's semantics
   * (evaluate/scalar-functions.ts). Arguments are compiled already; `unitSeconds` is the
   * checker-validated length of a date unit (a constant, never user text).
   */
  readonly functions: DialectFunctions;
}

/** Dialect-specific SQL for the catalogue's non-portable functions. */
export interface DialectFunctions {
  concat(parts: readonly SqlExpression[]): SqlExpression;
  trim(s: SqlExpression): SqlExpression;
  substring(s: SqlExpression, start: SqlExpression, len: SqlExpression | undefined): SqlExpression;
  round(x: SqlExpression, digits: SqlExpression | undefined): SqlExpression;
  ceil(x: SqlExpression): SqlExpression;
  floor(x: SqlExpression): SqlExpression;
  now(): SqlExpression;
  dateDiff(a: SqlExpression, b: SqlExpression, unitSeconds: number): SqlExpression;
  dateAdd(d: SqlExpression, n: SqlExpression, unitSeconds: number): SqlExpression;
}

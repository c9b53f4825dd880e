import type { ExpressionNode } from '../ast/expression-node';
import type { RuleIssueCode } from '../errors/rule-issue';
import type { FieldType } from './field-type';

/** A scalar a resolver may bind as a parameter. */
export type ScalarValue = string | number | boolean | null;

/** The identifier is a column of the record (compiled through `eb.ref`). */
export interface ColumnResolution {
  readonly kind: 'column';
  readonly column: string;
  readonly fieldType: FieldType;
}

/** The identifier is a value known before the query runs (compiled as a bound parameter). */
export interface ValueResolution {
  readonly kind: 'value';
  readonly value: ScalarValue;
  readonly fieldType: FieldType;
}

/**
 * The identifier stands for a sub-expression over other identifiers (a computed field, say
 * `total` for `price * qty`): the checker types it as that expression and the compiler inlines
 * its SQL, in parentheses, wherever the name appears, so `total > 10` filters exactly like
 * `(price * qty) > 10`. One level only: an expression field inside another one is reported
 * (`invalid_field_expression`), which rules out recursion and blow-up. A problem inside the
 * expression is reported once, at the name's position.
 *
 * `evaluate` does not expand it: it reads the name from the record like any field, so evaluate
 * the expression first (`evaluateValue(expression, { record })`) and put its value in the record.
 * @example { kind: 'expression', expression: parseExpression('price * qty') }
 */
export interface ExpressionResolution {
  readonly kind: 'expression';
  /** The macro-free AST the name stands for (macros are not expanded inside it). */
  readonly expression: ExpressionNode;
  /**
   * Resolves the expression's own identifiers; default: the resolver that returned this
   * resolution. Pass another one when the expression may read fields the caller may not name.
   */
  readonly resolver?: RuleResolver;
}

/** The identifier is not allowed here; `message` is shown to the author. */
export interface RejectedResolution {
  readonly kind: 'rejected';
  readonly code: RuleIssueCode;
  readonly message: string;
}

/** What a resolver decided about one identifier. */
export type Resolution = ColumnResolution | ValueResolution | ExpressionResolution | RejectedResolution;

/**
 * Decides, for one use (a collection's rule, a user's filter, …), which identifiers exist and
 * what they mean. Lookups must not consult the prototype chain (`__proto__` is just unknown).
 * The optional callbacks feed the built-in macros; without them those macros are rejected.
 */
export interface RuleResolver {
  /** Resolves a bare identifier such as `status` or `@request.auth.id`. */
  resolve(name: string): Resolution;
  /** Whether the current principal is in the named group (`@has_group`). */
  hasGroup?(group: string): boolean;
  /** Whether the current principal may perform `action` on `collection` (`@has_permission`). */
  hasPermission?(action: string, collection: string): boolean;
  /** The request time as an ISO-8601 string (`@in_time_range`). */
  now?(): string;
}

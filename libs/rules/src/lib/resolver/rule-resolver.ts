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

/** The identifier is not allowed here; `message` is shown to the author. */
export interface RejectedResolution {
  readonly kind: 'rejected';
  readonly code: RuleIssueCode;
  readonly message: string;
}

/** What a resolver decided about one identifier. */
export type Resolution = ColumnResolution | ValueResolution | RejectedResolution;

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

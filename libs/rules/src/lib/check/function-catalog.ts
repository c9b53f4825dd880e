import type { ValueType } from './value-type';

/** Names of the scalar functions expressions may call. */
export type FunctionName =
  | 'lower'
  | 'upper'
  | 'length'
  | 'trim'
  | 'concat'
  | 'substring'
  | 'abs'
  | 'round'
  | 'ceil'
  | 'floor'
  | 'coalesce'
  | 'if'
  | 'nullif'
  | 'now'
  | 'date_diff'
  | 'date_add';

/**
 * A parameter's accepted type: a value type, `temporal` (date, datetime or text) or `unit`
 * (a string literal naming a {@link DateUnit}, so the SQL never depends on a runtime value).
 */
export type ParamType = ValueType | 'temporal' | 'unit';

/** A function's signature: parameter types (or one type for all), arity bounds, result type. */
export interface FunctionSignature {
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * Expected type of each argument (arguments past the list repeat its last entry); `same` = all
   * arguments share one type, which is the result; `if` = a condition, then two of one type.
   */
  readonly params: readonly ParamType[] | 'same' | 'if';
  readonly result: ValueType | 'same';
}

/** Units of `date_diff`/`date_add`; months and years are fixed lengths (30 and 365 days). */
export const DATE_UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400, months: 2_592_000, years: 31_536_000 } as const;
export type DateUnit = keyof typeof DATE_UNIT_SECONDS;

/** Whether `unit` is a {@link DateUnit} (own keys only). */
export function isDateUnit(unit: unknown): unit is DateUnit {
  return typeof unit === 'string' && Object.hasOwn(DATE_UNIT_SECONDS, unit);
}

/**
 * The function catalogue shared by checker, compiler and evaluator. Names are matched
 * case-insensitively. `lower`/`upper` fold ASCII only (SQLite's behaviour), `length` counts
 * characters (code points). Every function but `coalesce`, `if` and `nullif` is NULL when an
 * argument is NULL.
 */
export const FUNCTION_CATALOG: Readonly<Record<FunctionName, FunctionSignature>> = {
  lower: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'text' },
  upper: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'text' },
  length: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'number' },
  trim: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'text' },
  concat: { minArgs: 2, maxArgs: 16, params: ['text'], result: 'text' },
  substring: { minArgs: 2, maxArgs: 3, params: ['text', 'number', 'number'], result: 'text' },
  abs: { minArgs: 1, maxArgs: 1, params: ['number'], result: 'number' },
  round: { minArgs: 1, maxArgs: 2, params: ['number', 'number'], result: 'number' },
  ceil: { minArgs: 1, maxArgs: 1, params: ['number'], result: 'number' },
  floor: { minArgs: 1, maxArgs: 1, params: ['number'], result: 'number' },
  coalesce: { minArgs: 2, maxArgs: 16, params: 'same', result: 'same' },
  if: { minArgs: 3, maxArgs: 3, params: 'if', result: 'same' },
  nullif: { minArgs: 2, maxArgs: 2, params: 'same', result: 'same' },
  now: { minArgs: 0, maxArgs: 0, params: [], result: 'datetime' },
  date_diff: { minArgs: 3, maxArgs: 3, params: ['temporal', 'temporal', 'unit'], result: 'number' },
  date_add: { minArgs: 3, maxArgs: 3, params: ['temporal', 'number', 'unit'], result: 'datetime' },
};

/** Looks up a function by name (case-insensitive, own keys only). */
export function findFunction(name: string): FunctionName | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(FUNCTION_CATALOG, key) ? (key as FunctionName) : undefined;
}

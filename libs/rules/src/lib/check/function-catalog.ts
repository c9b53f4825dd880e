import type { ValueType } from './value-type';

/** Names of the scalar functions expressions may call. */
export type FunctionName = 'lower' | 'upper' | 'length' | 'abs' | 'coalesce';

/** A function's signature: parameter types (or one type for all), arity bounds, result type. */
export interface FunctionSignature {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Expected type of each argument; `same` = all arguments share one type, which is the result. */
  readonly params: readonly ValueType[] | 'same';
  readonly result: ValueType | 'same';
}

/**
 * The function catalogue shared by checker, compiler and evaluator. Names are matched
 * case-insensitively. `lower`/`upper` fold ASCII only (SQLite's behaviour), `length` counts
 * characters (code points).
 */
export const FUNCTION_CATALOG: Readonly<Record<FunctionName, FunctionSignature>> = {
  lower: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'text' },
  upper: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'text' },
  length: { minArgs: 1, maxArgs: 1, params: ['text'], result: 'number' },
  abs: { minArgs: 1, maxArgs: 1, params: ['number'], result: 'number' },
  coalesce: { minArgs: 2, maxArgs: 16, params: 'same', result: 'same' },
};

/** Looks up a function by name (case-insensitive, own keys only). */
export function findFunction(name: string): FunctionName | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(FUNCTION_CATALOG, key) ? (key as FunctionName) : undefined;
}

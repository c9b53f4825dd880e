/**
 * Bounds on the work one expression may cause. Every bound is checked while parsing (and node
 * count again after macro expansion) and exceeding it throws a {@link RuleLimitError}.
 */
export interface ParseLimits {
  /** Maximum expression length in characters (UTF-16 units). Default 4096. */
  readonly maxLength: number;
  /** Maximum nesting depth (parentheses, `!`, unary `-`, call arguments). Default 64. */
  readonly maxDepth: number;
  /** Maximum number of AST nodes. Default 1000. */
  readonly maxNodes: number;
}

/** The defaults: 4096 characters, depth 64, 1000 nodes. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({ maxLength: 4096, maxDepth: 64, maxNodes: 1000 });

/** Fills missing limits with the defaults and rejects non-positive or non-integer values. */
export function resolveParseLimits(limits?: Partial<ParseLimits>): ParseLimits {
  const merged = { ...DEFAULT_PARSE_LIMITS, ...limits };
  for (const [key, value] of Object.entries(merged)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`Parse limit ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  return Object.freeze(merged);
}

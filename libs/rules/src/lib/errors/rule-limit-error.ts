import { RuleError } from './rule-error';

/** Which bound of {@link ParseLimits} an expression exceeded. */
export type RuleLimitCode = 'expression_too_long' | 'nesting_too_deep' | 'too_many_nodes';

/**
 * The expression exceeds a configured bound (length, nesting depth, node count). Thrown before
 * any expensive work, so hostile input costs at most the limit.
 */
export class RuleLimitError extends RuleError {
  readonly code: RuleLimitCode;
  /** The configured maximum that was exceeded. */
  readonly limit: number;

  constructor(code: RuleLimitCode, limit: number, position: number) {
    super(`${describe(code, limit)} at position ${position}`, position);
    this.code = code;
    this.limit = limit;
  }
}

function describe(code: RuleLimitCode, limit: number): string {
  switch (code) {
    case 'expression_too_long':
      return `Expression is longer than ${limit} characters`;
    case 'nesting_too_deep':
      return `Expression is nested deeper than ${limit} levels`;
    case 'too_many_nodes':
      return `Expression has more than ${limit} nodes`;
  }
}

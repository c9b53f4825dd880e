import { RuleError } from './rule-error';

/**
 * The text is not a valid expression. `expected` and `found` name token kinds (`RPAREN`,
 * `EOF`, …) or describe the problem; the message reads like
 * `Expected RPAREN, found EOF at position 12`.
 */
export class RuleSyntaxError extends RuleError {
  readonly code = 'syntax_error' as const;
  readonly expected: string;
  readonly found: string;

  constructor(detail: string, position: number, expected: string, found: string) {
    super(`${detail} at position ${position}`, position);
    this.expected = expected;
    this.found = found;
  }
}

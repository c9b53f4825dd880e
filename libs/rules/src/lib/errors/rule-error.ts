import type { RuleIssueCode } from './rule-issue';

/**
 * Base class of every error this library throws on bad input: it always carries a stable
 * `code` and the `position` (0-based offset into the expression text) it refers to.
 */
export abstract class RuleError extends Error {
  abstract readonly code: RuleIssueCode | 'invalid_expression' | 'evaluation_error';
  readonly position: number;

  protected constructor(message: string, position: number) {
    super(message);
    this.name = new.target.name;
    this.position = position;
  }
}
